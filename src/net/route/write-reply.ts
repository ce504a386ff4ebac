/**
 * Writes one reply on a route stream with backpressure: each write waits for the reader to take
 * bytes, within a per-wait timeout and the response's pace (`pace.ts`), then closes the write
 * side. See docs/PROTOCOL.md, "Server" and "Limits".
 * @module
 */
import type { Stream } from '@libp2p/interface'
import { MissingBlockError, reply, type Reply } from './answer.ts'
import { encodeResponseHeader, lengthPrefixed } from './codec.ts'
import { RouteProtocolError } from './errors.ts'
import { Pace, type PaceInit } from './pace.ts'

/** Limits of one reply. */
export interface WriteLimits extends PaceInit {
  /** Longest single wait for the reader, in ms. */
  writeTimeout: number
}

/**
 * Resolves on the stream's next 'drain' (at once if it needs none), rejects when it closes or
 * `signal` aborts. Not `stream.onDrain()`: in the installed libp2p its promise, once resolved,
 * stays resolved, so every later wait would return at once and the write buffer would grow
 * with the whole body.
 */
export function waitForDrain(stream: Stream, signal: AbortSignal): Promise<void> {
  if (!stream.writableNeedsDrain) return Promise.resolve()
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal.removeEventListener('abort', onAbort)
      if (error === undefined) resolve()
      else reject(error)
    }
    const onDrain = (): void => settle()
    const onClose = (event: { error?: Error }): void =>
      settle(event.error ?? new Error('The stream closed before the reader took the bytes.'))
    const onAbort = (): void => settle(signal.reason)
    if (signal.aborted) return settle(signal.reason)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal.addEventListener('abort', onAbort)
  })
}

/**
 * Writes `result` (header frame, then its body) and closes the write side; resets the stream
 * afterwards when `result.reset`. Throws when the reader is too slow or gone.
 */
export async function writeReply(
  stream: Stream,
  result: Reply,
  limits: WriteLimits,
  signal: AbortSignal,
): Promise<void> {
  const pace = new Pace(limits)
  let handed = 0
  const drain = (): Promise<void> =>
    pace.wait(handed - stream.writeBufferLength, limits.writeTimeout, signal, (timed) =>
      waitForDrain(stream, timed),
    )
  const send = async (bytes: Uint8Array): Promise<void> => {
    handed += bytes.length
    if (!stream.send(bytes)) await drain()
  }
  let body: ReadableStreamDefaultReader<Uint8Array> | undefined
  let first: Uint8Array | undefined
  if (result.body instanceof Uint8Array) {
    first = result.body
  } else if (result.body !== undefined) {
    // The first block is read before the header goes out, so a block missing from the store
    // becomes a status rather than a reset.
    body = result.body.getReader()
    try {
      const chunk = await body.read()
      first = chunk.value
    } catch (error) {
      const reason = error instanceof MissingBlockError ? 'block-unavailable' : 'block-corrupt'
      if (signal.aborted) throw error
      result = reply(503, reason)
      body = undefined
    }
  }
  try {
    await send(lengthPrefixed(encodeResponseHeader(result)))
    if (first !== undefined) await send(first)
    while (body !== undefined) {
      const chunk = await body.read()
      if (chunk.done) break
      await send(chunk.value)
    }
    while (stream.writableNeedsDrain) await drain()
  } finally {
    body?.cancel().catch(() => {})
  }
  await stream.close({
    signal: AbortSignal.any([AbortSignal.timeout(limits.writeTimeout), signal]),
  })
  if (result.reset === true)
    stream.abort(
      new RouteProtocolError('truncated', `Request refused with status ${result.status}.`),
    )
}
