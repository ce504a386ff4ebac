/**
 * DNS over TCP (RFC 7766): each connection carries 2-byte length-prefixed messages, answered as
 * they complete and pipelined up to `MAX_DNS_TCP_PIPELINE` at once (the connection stops being
 * read meanwhile). Bounded: connections per source address and in all, bytes buffered per
 * connection, and an idle timeout; a frame that never completes is closed by the timeout.
 * @module
 */
import { createServer, type Server, type Socket } from 'node:net'
import { MAX_DNS_TCP_BUFFER, MAX_DNS_TCP_CONNECTIONS, MAX_DNS_TCP_PIPELINE } from './constants.ts'

/** How the TCP side answers and what it allows. */
export interface TcpInit {
  /** The answer to one message from `source`, or undefined to send nothing. */
  answer(message: Buffer, source: string): Promise<Buffer | undefined>
  tcpPerSource: number
  idleTimeoutMs: number
}

/** A DNS TCP server that knows its open connections. */
export interface DnsTcpServer {
  server: Server
  /** Connections open now. */
  open(): number
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

/** One message in a TCP frame. */
function frame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + message.length)
  out.writeUInt16BE(message.length, 0)
  out.set(message, 2)
  return out
}

/** Creates the TCP server (not yet listening). */
export function createDnsTcpServer(init: TcpInit): DnsTcpServer {
  const perSource = new Map<string, number>()
  const sockets = new Set<Socket>()
  const onConnection = (socket: Socket): void => {
    const source = socket.remoteAddress ?? ''
    const held = perSource.get(source) ?? 0
    if (held >= init.tcpPerSource || sockets.size >= MAX_DNS_TCP_CONNECTIONS) {
      socket.destroy()
      return
    }
    perSource.set(source, held + 1)
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
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
        const message = Buffer.from(buffer.subarray(2, 2 + length))
        buffer = buffer.subarray(2 + length)
        inProgress++
        void init.answer(message, source).then((out) => {
          inProgress--
          if (out !== undefined && !socket.destroyed) socket.write(frame(out))
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
  const server = createServer(onConnection)
  return {
    server,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      }),
  }
}
