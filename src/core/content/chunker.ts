/**
 * Fixed-size chunking of a byte stream into raw blocks, holding at most one chunk in memory.
 * See docs/PROTOCOL.md, "Chunking".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from './constants.ts'
import { rawCid } from './verify.ts'

/** One chunk of a file: its bytes and their CID (v1, raw, sha2-256). */
export interface Chunk {
  cid: CID
  bytes: Uint8Array
}

/** Bytes of a file: an async (or sync) iterable of byte arrays, or a web ReadableStream. */
export type ByteSource =
  AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>

/** Options of `chunkFile`. */
export interface ChunkFileOptions {
  /**
   * Chunk size in bytes, from 1 to CHUNK_SIZE. Only CHUNK_SIZE produces a valid manifest
   * entry; smaller sizes exist for tests.
   * @default CHUNK_SIZE
   */
  chunkSize?: number
  /** Stops chunking: the generator throws the signal's reason. */
  signal?: AbortSignal
}

function isReadableStream(source: ByteSource): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream).getReader === 'function'
}

/** Reads a ReadableStream through a reader (not every browser makes streams async iterable). */
async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  let done = false
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) {
        done = true
        return
      }
      yield next.value
    }
  } finally {
    // Stopped early (error, abort, consumer break): tell the producer.
    if (!done) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}

/** Iterates any `ByteSource` as an async iterable of byte arrays. */
export function iterateBytes(source: ByteSource): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  return isReadableStream(source) ? readStream(source) : source
}

/**
 * Splits a file into chunks of `chunkSize` bytes (the last one shorter) and addresses each.
 * An empty file yields no chunk. Only the chunk being filled is buffered, whatever the size of
 * the pieces the source delivers.
 * @example
 * for await (const { cid, bytes } of chunkFile(file.stream())) await store.put(cid, bytes)
 */
export async function* chunkFile(
  source: ByteSource,
  options: ChunkFileOptions = {},
): AsyncGenerator<Chunk> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer from 1 to ${CHUNK_SIZE}`)
  }
  const signal = options.signal
  signal?.throwIfAborted()
  let buffer = new Uint8Array(chunkSize)
  let filled = 0
  for await (const piece of iterateBytes(source)) {
    signal?.throwIfAborted()
    if (!(piece instanceof Uint8Array)) {
      throw new TypeError('a file source must yield Uint8Array pieces')
    }
    let offset = 0
    while (offset < piece.length) {
      const take = Math.min(chunkSize - filled, piece.length - offset)
      buffer.set(piece.subarray(offset, offset + take), filled)
      filled += take
      offset += take
      if (filled === chunkSize) {
        const bytes = buffer
        // A fresh buffer: the caller may keep the chunk it was given.
        buffer = new Uint8Array(chunkSize)
        filled = 0
        yield { cid: await rawCid(bytes), bytes }
        signal?.throwIfAborted()
      }
    }
  }
  if (filled > 0) {
    const bytes = buffer.slice(0, filled)
    yield { cid: await rawCid(bytes), bytes }
  }
}
