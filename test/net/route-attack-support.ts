/**
 * Attacks on a route host, shared by the Node and the browser specs: they drive real libp2p
 * streams and observe the host's own streams, never a mock of the server.
 * @module
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import {
  ROUTE_PROTOCOL,
  decodeResponseHeader,
  encodeRequest,
  lengthPrefixed,
  type RouteRequest,
} from '../../src/net/route/index.ts'

/** Bytes sent per write of a flood. */
const FLOOD_CHUNK = 64 * 1024

/** Route streams the host holds from `peer`, and the bytes libp2p buffers unread on them. */
export function hostRouteStreams(host: Libp2p, peer: PeerId): { count: number; buffered: number } {
  let count = 0
  let buffered = 0
  for (const connection of host.getConnections(peer)) {
    for (const stream of connection.streams) {
      if (stream.protocol !== ROUTE_PROTOCOL || stream.status !== 'open') continue
      count++
      buffered += stream.readBufferLength
    }
  }
  return { count, buffered }
}

/** Resolves once the stream can take bytes again, or has closed (never rejects). */
function drainedOrClosed(stream: Stream): Promise<void> {
  if (!stream.writableNeedsDrain || stream.status !== 'open') return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      stream.removeEventListener('drain', done)
      stream.removeEventListener('close', done)
      resolve()
    }
    stream.addEventListener('drain', done)
    stream.addEventListener('close', done)
  })
}

/** What one flooding stream achieved. */
export interface FloodResult {
  /** The attacker's stream status at the end: 'reset' when the host refused the bytes. */
  status: string
  /** Bytes the attacker got onto the wire (handed to the muxer) before it stopped. */
  pushed: number
  /** Most bytes the host buffered unread on its route streams from the attacker, seen between writes. */
  peakBuffered: number
}

/**
 * Opens a route stream, sends `request`, then up to `extra` more bytes while the host takes
 * them, reading (and discarding) what the host answers. Stops when the host resets the stream.
 */
export async function floodAfterRequest(
  attacker: Libp2p,
  host: Libp2p,
  request: RouteRequest,
  extra: number,
): Promise<FloodResult> {
  const stream = await attacker.dialProtocol(host.peerId, ROUTE_PROTOCOL, {
    maxOutboundStreams: 1_000,
    signal: AbortSignal.timeout(10_000),
  })
  stream.addEventListener('message', () => {})
  const filler = new Uint8Array(FLOOD_CHUNK).fill(0x41)
  let handed = 0
  let peakBuffered = 0
  try {
    stream.send(lengthPrefixed(encodeRequest(request)))
    while (handed < extra && stream.status === 'open') {
      handed += FLOOD_CHUNK
      if (!stream.send(filler)) await drainedOrClosed(stream)
      peakBuffered = Math.max(peakBuffered, hostRouteStreams(host, attacker.peerId).buffered)
    }
  } catch {
    // send() throws once the host reset the stream
  }
  const pushed = handed - stream.writeBufferLength
  // The whole flood may be handed to the channel before the host's reset comes back: wait for
  // the host's answer (bounded) rather than read the status while the reset is on its way.
  await Promise.race([ended(stream), new Promise((resolve) => setTimeout(resolve, 10_000))])
  const status = stream.status
  return { status, pushed, peakBuffered }
}

/** Opens a route stream, sends `request` and keeps its write side open; resolves with the stream. */
export async function halfOpenRequest(
  attacker: Libp2p,
  host: PeerId,
  request: RouteRequest,
): Promise<Stream> {
  const stream = await attacker.dialProtocol(host, ROUTE_PROTOCOL, {
    maxOutboundStreams: 1_000,
    signal: AbortSignal.timeout(10_000),
  })
  stream.send(lengthPrefixed(encodeRequest(request)))
  return stream
}

/** Resolves with the stream's status once it closed or was reset. */
export function ended(stream: Stream): Promise<string> {
  if (stream.status !== 'open' && stream.status !== 'closing') return Promise.resolve(stream.status)
  return new Promise((resolve) =>
    stream.addEventListener('close', () => resolve(stream.status), { once: true }),
  )
}

export { bounded } from '../support/bounded.ts'

/** Byte `i` is `i mod 251`. */
export function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = i % 251
  return out
}

/**
 * The status of the first response header frame on `stream` (the stream is paused after it);
 * rejects once the stream ended without one, before or after this call.
 */
export function firstStatus(stream: Stream): Promise<number> {
  return new Promise((resolve, reject) => {
    stream.addEventListener(
      'message',
      (event) => {
        if (stream.readStatus === 'readable') stream.pause()
        const bytes = event.data.subarray()
        let length = 0
        let i = 0
        for (let factor = 1; ; i++, factor *= 128) {
          length += (bytes[i] & 0x7f) * factor
          if ((bytes[i] & 0x80) === 0) break
        }
        resolve(decodeResponseHeader(bytes.subarray(i + 1, i + 1 + length)).status)
      },
      { once: true },
    )
    stream.addEventListener('close', () => reject(new Error('closed before a header')), {
      once: true,
    })
    // The host may have reset it already (a stream over its limit), before this listened.
    const ended = stream.status !== 'open' && stream.status !== 'closing'
    if (ended && stream.readBufferLength === 0) reject(new Error('closed before a header'))
  })
}
