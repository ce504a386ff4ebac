/**
 * The relay's DNS server (`--dns-port`), on UDP and TCP (RFC 1035, RFC 7766): answers the `.alt`
 * namespace from the network (alt-answer.ts) and forwards every other name to the upstream
 * server, or refuses it when none is set. Messages are parsed and built by `dns-packet`. A
 * message that does not parse gets FORMERR (or is dropped when not even its header reads),
 * never a crash. Bounded: queries per second per source address (UDP over the rate is dropped,
 * so the server cannot be used to flood a forged source; TCP gets REFUSED), TCP connections
 * per source and in all, an idle timeout on each connection, a bound on buffered and pipelined
 * queries per connection, and the forwarder's own timeout and bound.
 * @module
 */
import { createSocket, type Socket } from 'node:dgram'
import { createServer, type Server, type Socket as TcpSocket } from 'node:net'
import dnsPacket, { type Packet } from 'dns-packet'
import { ConfigError } from '../errors.ts'
import { KeyedRateLimit } from '../keyed-rate-limit.ts'
import type { Logger } from '../log.ts'
import {
  answerAlt,
  errorResponse,
  FLAG_TC,
  isAltQuestion,
  RCODE,
  type AltAnswerInit,
} from './alt-answer.ts'
import {
  DNS_UDP_PAYLOAD,
  MAX_DNS_TCP_BUFFER,
  MAX_DNS_TCP_CONNECTIONS,
  MAX_DNS_TCP_PIPELINE,
  MAX_DNS_UDP_PAYLOAD,
} from './constants.ts'
import { ForwardFailedError, Forwarder } from './forwarder.ts'

/** Settings of the DNS server. */
export interface DnsServerInit {
  host: string
  /** UDP and TCP port (0 = a free one, the same for both). */
  port: number
  answer: Omit<AltAnswerInit, 'recursion'>
  /** The server names outside `.alt` go to; undefined refuses them. */
  upstream?: { host: string; port: number }
  /** Queries per second per source address. */
  rate: number
  /** Queries a source may send at once. */
  burst: number
  /** TCP connections one source may hold. */
  tcpPerSource: number
  /** Idle time after which a TCP connection is closed. */
  idleTimeoutMs: number
  forwardTimeoutMs: number
  maxForwards: number
  log: Logger
}

/** Counts for `/health`. */
export interface DnsStats {
  queries: number
  answered: Record<string, number>
  dropped: number
  forwarded: number
  tcpConnections: number
}

/** A running DNS server. */
export interface DnsServer {
  port: number
  stats(): DnsStats
  close(): Promise<void>
}

type Transport = 'udp' | 'tcp'

const RCODE_NAMES = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k]))

/** The largest UDP answer the client takes: 512, or its EDNS size up to `MAX_DNS_UDP_PAYLOAD`. */
function udpLimit(query: Packet): number {
  const opt = query.additionals?.find((a) => a.type === 'OPT')
  if (opt === undefined || !('udpPayloadSize' in opt)) return DNS_UDP_PAYLOAD
  return Math.max(DNS_UDP_PAYLOAD, Math.min(opt.udpPayloadSize, MAX_DNS_UDP_PAYLOAD))
}

/** FORMERR built from the 12-byte header alone, for a message that does not parse. */
function formErr(raw: Buffer, recursion: boolean): Buffer {
  return dnsPacket.encode(
    errorResponse(
      { id: raw.readUInt16BE(0), flags: raw.readUInt16BE(2) },
      RCODE.FORMERR,
      recursion,
    ),
  )
}

/** Starts the DNS server on UDP and TCP; throws `ConfigError` when the port is taken. */
export async function startDnsServer(init: DnsServerInit): Promise<DnsServer> {
  const recursion = init.upstream !== undefined
  const answerInit: AltAnswerInit = { ...init.answer, recursion }
  const limit = new KeyedRateLimit({ perSecond: init.rate, burst: init.burst })
  const forwarder =
    init.upstream === undefined
      ? undefined
      : new Forwarder({
          ...init.upstream,
          timeoutMs: init.forwardTimeoutMs,
          maxOutstanding: init.maxForwards,
        })
  await forwarder?.start()
  const stats: DnsStats = { queries: 0, answered: {}, dropped: 0, forwarded: 0, tcpConnections: 0 }
  const count = (message: Buffer | undefined): Buffer | undefined => {
    if (message === undefined) stats.dropped++
    else {
      const name = RCODE_NAMES[message.readUInt16BE(2) & 0xf] ?? 'OTHER'
      stats.answered[name] = (stats.answered[name] ?? 0) + 1
    }
    return message
  }

  /** The answer to one raw message, or undefined to send nothing. */
  const handle = async (
    raw: Buffer,
    transport: Transport,
    source: string,
  ): Promise<Buffer | undefined> => {
    stats.queries++
    if (raw.length < 12) return undefined
    if ((raw[2] & 0x80) !== 0) return undefined // a response: never answered (no loops)
    if (!limit.take(source)) {
      if (transport === 'udp') return undefined
      return dnsPacket.encode(
        errorResponse(
          { id: raw.readUInt16BE(0), flags: raw.readUInt16BE(2) },
          RCODE.REFUSED,
          recursion,
        ),
      )
    }
    let query: Packet
    try {
      query = dnsPacket.decode(raw)
    } catch {
      return formErr(raw, recursion)
    }
    const encode = (packet: Packet): Buffer => {
      if (query.additionals?.some((a) => a.type === 'OPT') === true)
        packet.additionals = [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: MAX_DNS_UDP_PAYLOAD,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      const out = dnsPacket.encode(packet)
      if (transport === 'tcp' || out.length <= udpLimit(query)) return out
      return dnsPacket.encode({
        ...packet,
        flags: (packet.flags ?? 0) | FLAG_TC,
        answers: [],
        authorities: [],
      })
    }
    const opcode = ((query.flags ?? 0) >> 11) & 0xf
    if (opcode !== 0) return encode(errorResponse(query, RCODE.NOTIMP, recursion))
    if (query.questions?.length !== 1) return encode(errorResponse(query, RCODE.FORMERR, recursion))
    const question = query.questions[0]
    try {
      if (isAltQuestion(question)) {
        if ((question.class ?? 'IN') !== 'IN')
          return encode(errorResponse(query, RCODE.REFUSED, recursion))
        return encode(await answerAlt(query, answerInit))
      }
      if (forwarder === undefined) return encode(errorResponse(query, RCODE.REFUSED, recursion))
      stats.forwarded++
      const answer = transport === 'udp' ? await forwarder.udp(raw) : await forwarder.tcp(raw)
      return Buffer.from(answer)
    } catch (err) {
      if (!(err instanceof ForwardFailedError))
        init.log.warn('dns query failed', { name: question.name, error: err })
      return encode(errorResponse(query, RCODE.SERVFAIL, recursion))
    }
  }

  const answer = (raw: Buffer, transport: Transport, source: string): Promise<Buffer | undefined> =>
    handle(raw, transport, source).then(count, (err: unknown) => {
      init.log.warn('dns message not answered', { error: err })
      return count(undefined)
    })

  // UDP first: with port 0 it picks the port TCP then takes too.
  const udp: Socket = createSocket({ type: init.host.includes(':') ? 'udp6' : 'udp4' })
  udp.on('message', (msg, from) => {
    void answer(msg, 'udp', from.address).then((out) => {
      if (out !== undefined) udp.send(out, from.port, from.address, () => undefined)
    })
  })
  udp.on('error', (err) => init.log.warn('dns udp socket error', { error: err }))
  await listen('UDP', init.port, init.host, (cb) => udp.bind(init.port, init.host, cb), udp)
  const port = udp.address().port

  const perSource = new Map<string, number>()
  const tcp: Server = createServer((socket) => onConnection(socket))
  const onConnection = (socket: TcpSocket): void => {
    const source = socket.remoteAddress ?? ''
    const held = perSource.get(source) ?? 0
    if (held >= init.tcpPerSource || stats.tcpConnections >= MAX_DNS_TCP_CONNECTIONS) {
      socket.destroy()
      return
    }
    perSource.set(source, held + 1)
    stats.tcpConnections++
    socket.on('close', () => {
      stats.tcpConnections--
      const n = (perSource.get(source) ?? 1) - 1
      if (n <= 0) perSource.delete(source)
      else perSource.set(source, n)
    })
    socket.on('error', () => undefined)
    socket.setTimeout(init.idleTimeoutMs, () => socket.destroy())
    let buffer: Buffer = Buffer.alloc(0)
    let inProgress = 0
    const pump = (): void => {
      while (buffer.length >= 2 && inProgress < MAX_DNS_TCP_PIPELINE) {
        const length = buffer.readUInt16BE(0)
        if (buffer.length < 2 + length) break
        const message = buffer.subarray(2, 2 + length)
        buffer = buffer.subarray(2 + length)
        inProgress++
        void answer(Buffer.from(message), 'tcp', source).then((out) => {
          inProgress--
          if (out !== undefined && !socket.destroyed) {
            const frame = Buffer.alloc(2 + out.length)
            frame.writeUInt16BE(out.length, 0)
            frame.set(out, 2)
            socket.write(frame)
          }
          if (socket.isPaused() && inProgress < MAX_DNS_TCP_PIPELINE) socket.resume()
          pump()
        })
      }
      if (inProgress >= MAX_DNS_TCP_PIPELINE) socket.pause()
    }
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
      if (buffer.length > MAX_DNS_TCP_BUFFER) {
        socket.destroy()
        return
      }
      pump()
    })
  }
  try {
    await listen('TCP', port, init.host, (cb) => tcp.listen(port, init.host, cb), tcp)
  } catch (err) {
    udp.close()
    forwarder?.stop()
    throw err
  }
  init.log.info('dns server started', { host: init.host, port, upstream: init.upstream })

  return {
    port,
    stats: () => ({ ...stats, answered: { ...stats.answered } }),
    close: async () => {
      forwarder?.stop()
      await new Promise<void>((resolve) => udp.close(() => resolve()))
      await new Promise<void>((resolve) => {
        tcp.close(() => resolve())
        for (const s of openSockets(tcp)) s.destroy()
      })
    },
  }
}

/** Sockets of a server still open (tracked through its `connection` events). */
const sockets = new WeakMap<Server, Set<TcpSocket>>()
function openSockets(server: Server): Set<TcpSocket> {
  return sockets.get(server) ?? new Set()
}

async function listen(
  what: string,
  port: number,
  host: string,
  start: (cb: () => void) => void,
  target: Socket | Server,
): Promise<void> {
  if ('getConnections' in target) {
    const set = new Set<TcpSocket>()
    sockets.set(target, set)
    target.on('connection', (s: TcpSocket) => {
      set.add(s)
      s.on('close', () => set.delete(s))
    })
  }
  await new Promise<void>((resolve, reject) => {
    target.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new ConfigError(`--dns-port: ${what} port ${port} on ${host} is already in use`))
      else if (err.code === 'EACCES')
        reject(new ConfigError(`--dns-port: not allowed to listen on ${what} port ${port}`))
      else reject(err)
    })
    start(() => resolve())
  })
}
