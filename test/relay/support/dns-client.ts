/**
 * Raw DNS exchanges for resolver specs: one message over UDP or TCP (2-byte length frames),
 * built and read with `dns-packet`, and a small upstream server on loopback that answers one
 * name, so forwarding is tested against a real server.
 * @module
 */
import { createSocket } from 'node:dgram'
import { connect, createServer, type Server } from 'node:net'
import dnsPacket, { type Packet, type RecordType } from 'dns-packet'

/** A query message for `name`/`type` with a random ID. */
export function query(name: string, type: RecordType, extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: Math.floor(Math.random() * 0x10000),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    ...extra,
  })
}

/** Sends raw bytes over UDP; resolves with the answer's bytes, or undefined after `ms` of silence. */
export function udpExchange(
  port: number,
  message: Uint8Array,
  ms = 2000,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const timer = setTimeout(() => {
      socket.close()
      resolve(undefined)
    }, ms)
    socket.on('message', (msg) => {
      clearTimeout(timer)
      socket.close()
      resolve(msg)
    })
    socket.send(message, port, '127.0.0.1')
  })
}

/** Sends raw bytes (framing included) over a new TCP connection; resolves with each framed answer until it closes or `ms` pass. */
export function tcpExchange(
  port: number,
  raw: Uint8Array,
  want: number,
  ms = 3000,
): Promise<{ answers: Buffer[]; closed: boolean }> {
  return new Promise((resolve) => {
    const answers: Buffer[] = []
    let buffer = Buffer.alloc(0)
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (closed: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ answers, closed })
    }
    const timer = setTimeout(() => finish(false), ms)
    socket.on('connect', () => socket.write(raw))
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        answers.push(buffer.subarray(2, 2 + buffer.readUInt16BE(0)))
        buffer = buffer.subarray(2 + buffer.readUInt16BE(0))
      }
      if (answers.length >= want) finish(false)
    })
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
  })
}

/** One message in a TCP frame. */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + message.length)
  out.writeUInt16BE(message.length, 0)
  out.set(message, 2)
  return out
}

/** The response code name of an answer. */
export function rcodeOf(answer: Buffer): string {
  return (dnsPacket.decode(answer) as { rcode?: string }).rcode ?? ''
}

/** A loopback DNS server (UDP and TCP on one port) answering `name A address`, REFUSED otherwise. */
export async function startUpstream(
  name: string,
  address: string,
): Promise<{ port: number; queries: () => number; close(): Promise<void> }> {
  let count = 0
  const respond = (raw: Buffer): Buffer => {
    count++
    const q = dnsPacket.decode(raw)
    const question = q.questions![0]
    const known = question.name.toLowerCase() === name && question.type === 'A'
    return dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 5),
      questions: q.questions,
      answers: known ? [{ type: 'A', name: question.name, ttl: 60, data: address }] : [],
    })
  }
  const udp = createSocket('udp4')
  udp.on('message', (msg, from) => udp.send(respond(msg), from.port, from.address))
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve))
  const port = udp.address().port
  const tcp: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        socket.write(frame(respond(buffer.subarray(2, 2 + buffer.readUInt16BE(0)))))
        buffer = buffer.subarray(2 + buffer.readUInt16BE(0))
      }
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve))
  return {
    port,
    queries: () => count,
    close: async () => {
      udp.close()
      await new Promise<void>((resolve) => tcp.close(() => resolve()))
    },
  }
}
