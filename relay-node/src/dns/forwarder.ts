/**
 * Forwarding of names outside `.alt` to the upstream DNS server (`--dns-upstream`): a UDP query
 * goes out over one UDP socket under a fresh random ID (so answers cannot be matched by
 * guessing the client's ID), a TCP query over its own TCP connection. Each waits at most
 * `timeoutMs`; at most `maxOutstanding` wait at once, and more are refused at once.
 * @module
 */
import { createSocket, type Socket } from 'node:dgram'
import { randomInt } from 'node:crypto'
import { connect } from 'node:net'
import { MAX_DNS_TCP_MESSAGE } from './constants.ts'

/** Why a query was not forwarded: the answer is SERVFAIL either way. */
export class ForwardFailedError extends Error {
  override name = 'ForwardFailedError'
}

/** An upstream server and the forwarding limits. */
export interface ForwarderInit {
  host: string
  port: number
  timeoutMs: number
  maxOutstanding: number
}

interface Waiting {
  clientId: number
  resolve(answer: Uint8Array): void
  reject(err: Error): void
  timer: NodeJS.Timeout
}

/** Forwards raw DNS messages to one upstream server. */
export class Forwarder {
  private readonly init: ForwarderInit
  private socket: Socket | undefined
  private readonly waiting = new Map<number, Waiting>()
  private tcpOutstanding = 0

  constructor(init: ForwarderInit) {
    this.init = init
  }

  /** Queries waiting for the upstream now. */
  get outstanding(): number {
    return this.waiting.size + this.tcpOutstanding
  }

  /** Opens the UDP socket. */
  async start(): Promise<void> {
    const socket = createSocket(this.init.host.includes(':') ? 'udp6' : 'udp4')
    socket.on('message', (msg, from) => this.onAnswer(msg, from.address, from.port))
    socket.on('error', () => undefined)
    await new Promise<void>((resolve) => socket.bind(0, resolve))
    this.socket = socket
  }

  stop(): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer)
      w.reject(new ForwardFailedError('The resolver is stopping.'))
    }
    this.waiting.clear()
    this.socket?.close()
    this.socket = undefined
  }

  private admit(): void {
    if (this.outstanding >= this.init.maxOutstanding)
      throw new ForwardFailedError(
        'Too many forwarded queries are waiting for the upstream server.',
      )
  }

  /** Sends a query (its own ID in its first two bytes) over UDP; the answer carries that ID again. */
  udp(query: Uint8Array): Promise<Uint8Array> {
    this.admit()
    if (this.socket === undefined) throw new ForwardFailedError('The forwarder is not running.')
    let id = randomInt(0x10000)
    for (let i = 0; this.waiting.has(id) && i < 16; i++) id = randomInt(0x10000)
    if (this.waiting.has(id)) throw new ForwardFailedError('No free query ID.')
    const clientId = (query[0] << 8) | query[1]
    const out = Buffer.from(query)
    out.writeUInt16BE(id, 0)
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new ForwardFailedError('The upstream server did not answer in time.'))
      }, this.init.timeoutMs)
      this.waiting.set(id, { clientId, resolve, reject, timer })
      this.socket!.send(out, this.init.port, this.init.host, (err) => {
        if (err == null) return
        clearTimeout(timer)
        this.waiting.delete(id)
        reject(new ForwardFailedError(`The upstream server cannot be reached: ${err.message}`))
      })
    })
  }

  private onAnswer(msg: Buffer, address: string, port: number): void {
    if (msg.length < 12 || port !== this.init.port || !sameHost(address, this.init.host)) return
    const id = msg.readUInt16BE(0)
    const w = this.waiting.get(id)
    if (w === undefined) return
    this.waiting.delete(id)
    clearTimeout(w.timer)
    const answer = Buffer.from(msg)
    answer.writeUInt16BE(w.clientId, 0)
    w.resolve(answer)
  }

  /** Sends a query over a new TCP connection and returns the answer message (no length prefix). */
  async tcp(query: Uint8Array): Promise<Uint8Array> {
    this.admit()
    this.tcpOutstanding++
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        const socket = connect({ host: this.init.host, port: this.init.port })
        let buffer = Buffer.alloc(0)
        const done = (err?: Error, answer?: Uint8Array): void => {
          socket.destroy()
          if (err !== undefined) reject(err)
          else resolve(answer!)
        }
        socket.setTimeout(this.init.timeoutMs, () =>
          done(new ForwardFailedError('The upstream server did not answer in time.')),
        )
        socket.on('error', (err) =>
          done(new ForwardFailedError(`The upstream server cannot be reached: ${err.message}`)),
        )
        socket.on('connect', () => {
          const frame = Buffer.alloc(2 + query.length)
          frame.writeUInt16BE(query.length, 0)
          frame.set(query, 2)
          socket.write(frame)
        })
        socket.on('data', (chunk: Buffer) => {
          buffer = Buffer.concat([buffer, chunk])
          if (buffer.length > 2 + MAX_DNS_TCP_MESSAGE)
            return done(new ForwardFailedError('The upstream server sent too much.'))
          if (buffer.length < 2) return
          const length = buffer.readUInt16BE(0)
          if (buffer.length >= 2 + length) done(undefined, buffer.subarray(2, 2 + length))
        })
        socket.on('end', () =>
          done(new ForwardFailedError('The upstream server closed the connection.')),
        )
      })
    } finally {
      this.tcpOutstanding--
    }
  }
}

function sameHost(a: string, b: string): boolean {
  const strip = (x: string): string => x.replace(/^::ffff:/, '')
  return strip(a) === strip(b)
}
