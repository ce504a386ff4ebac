/**
 * Reads a route stream: one length-prefixed frame, then raw body bytes, with backpressure
 * (the stream is paused while too many unread bytes are queued) and strict length limits
 * (an oversized frame is refused from its length prefix, before its bytes arrive).
 * @module
 */
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import { RouteProtocolError } from './errors.ts'

/** Bytes of an unsigned varint prefix we accept: enough for any frame size limit up to 2^35. */
const MAX_VARINT_BYTES = 5

/** Incoming bytes of one stream, consumed in order. */
export class StreamReader {
  readonly #stream: Stream
  readonly #highWaterMark: number
  readonly #queue: Uint8Array[] = []
  #queued = 0
  #ended = false
  #error: unknown = undefined
  #wake: (() => void) | undefined
  readonly #onMessage = (event: StreamMessageEvent): void => {
    // A list's parts are queued as they are: `subarray()` would copy them into one buffer, a
    // copy of every body byte (the muxer hands on a frame's bytes as a list).
    const parts = event.data instanceof Uint8Array ? [event.data] : event.data
    for (const bytes of parts) {
      if (bytes.length === 0) continue
      this.#queue.push(bytes)
      this.#queued += bytes.length
    }
    if (this.#queued > this.#highWaterMark && this.#stream.readStatus === 'readable') {
      this.#stream.pause()
    }
    this.#notify()
  }
  readonly #onEnd = (): void => {
    this.#ended = true
    this.#notify()
  }
  readonly #onClose = (event: StreamCloseEvent): void => {
    if (event.error !== undefined) this.#error ??= event.error
    this.#ended = true
    this.#notify()
  }

  constructor(stream: Stream, highWaterMark: number) {
    this.#stream = stream
    this.#highWaterMark = highWaterMark
    stream.addEventListener('message', this.#onMessage)
    stream.addEventListener('end', this.#onEnd)
    stream.addEventListener('close', this.#onClose)
    if (stream.readableEnded || stream.status !== 'open') this.#ended = true
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Stops listening to the stream and drops what was queued; later bytes stay in the stream's own buffer. */
  dispose(): void {
    this.#stream.removeEventListener('message', this.#onMessage)
    this.#stream.removeEventListener('end', this.#onEnd)
    this.#stream.removeEventListener('close', this.#onClose)
    this.#queue.length = 0
    this.#queued = 0
  }

  /** Bytes received and not read yet. */
  get queued(): number {
    return this.#queued
  }

  /** True when the remote closed its write side and every byte was read. */
  get done(): boolean {
    return this.#ended && this.#queued === 0
  }

  /** Waits until bytes are queued or the stream ended. Rejects with the signal's reason. */
  async #wait(signal?: AbortSignal): Promise<void> {
    while (this.#queued === 0 && !this.#ended) {
      signal?.throwIfAborted()
      let onAbort = (): void => {}
      try {
        await new Promise<void>((resolve, reject) => {
          onAbort = () => reject(signal?.reason)
          signal?.addEventListener('abort', onAbort, { once: true })
          this.#wake = resolve
        })
      } finally {
        signal?.removeEventListener('abort', onAbort)
      }
    }
    if (this.#queued === 0 && this.#error !== undefined) throw this.#error
  }

  /** Takes up to `max` queued bytes (waiting for some); `null` at the end of the stream. */
  async read(max: number, signal?: AbortSignal): Promise<Uint8Array | null> {
    await this.#wait(signal)
    if (this.#queued === 0) return null
    const head = this.#queue[0]
    let out: Uint8Array
    if (head.length <= max) {
      this.#queue.shift()
      out = head
    } else {
      out = head.subarray(0, max)
      this.#queue[0] = head.subarray(max)
    }
    this.#queued -= out.length
    if (this.#queued <= this.#highWaterMark && this.#stream.readStatus === 'paused') {
      this.#stream.resume()
    }
    return out
  }

  /** Reads exactly `n` bytes; `RouteProtocolError` ('truncated') if the stream ends first. */
  async readExactly(n: number, signal?: AbortSignal): Promise<Uint8Array> {
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      const part = await this.read(n - filled, signal)
      if (part === null)
        throw new RouteProtocolError('truncated', `The stream ended ${n - filled} bytes early.`)
      out.set(part, filled)
      filled += part.length
    }
    return out
  }

  /**
   * Reads one length-prefixed frame of at most `maxSize` bytes. Throws `RouteProtocolError`:
   * 'frame-too-large' as soon as the prefix announces more than `maxSize`, 'invalid-length'
   * for a prefix that is not a minimal unsigned varint, 'truncated' when the stream ends early.
   */
  async readFrame(maxSize: number, signal?: AbortSignal): Promise<Uint8Array> {
    let length = 0
    let factor = 1
    for (let i = 0; ; i++) {
      const byte = await this.read(1, signal)
      if (byte === null)
        throw new RouteProtocolError('truncated', 'The stream ended before a complete frame.')
      const b = byte[0]
      length += (b & 0x7f) * factor
      factor *= 0x80
      if (length > maxSize) {
        throw new RouteProtocolError(
          'frame-too-large',
          `A frame of ${length} bytes or more is over the ${maxSize}-byte limit.`,
        )
      }
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0)
          throw new RouteProtocolError(
            'invalid-length',
            'The frame length is not a minimal varint.',
          )
        break
      }
      if (i + 1 >= MAX_VARINT_BYTES)
        throw new RouteProtocolError('invalid-length', 'The frame length prefix is too long.')
    }
    return this.readExactly(length, signal)
  }
}
