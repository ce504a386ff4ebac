/**
 * A verified, ranged read of one file: fetches only the chunks that cover the range, checks
 * each against its CID before emitting any byte of it, and emits exactly the range. See
 * docs/PROTOCOL.md, "Verification".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, DEFAULT_READ_CONCURRENCY } from './constants.ts'
import type { FileEntry } from './manifest.ts'
import { verifyChunk } from './verify.ts'

/**
 * Fetches one block's bytes, from a local store or a peer. Unverified: `readVerified` checks
 * them (unless told `verified`). `index` is the chunk's position in the file.
 */
export type GetBlock = (
  cid: CID,
  options: { signal: AbortSignal; index: number },
) => Promise<Uint8Array>

/** Options of `readVerified`. */
export interface ReadVerifiedOptions {
  /**
   * First byte to emit.
   * @default 0
   */
  start?: number
  /**
   * Byte after the last one to emit (exclusive, as `parseRange` returns it).
   * @default entry.size
   */
  end?: number
  /** Stops the read: the stream errors with the signal's reason and pending fetches abort. */
  signal?: AbortSignal
  /**
   * Chunks fetched at once, ahead of the one being emitted; at least 1.
   * @default DEFAULT_READ_CONCURRENCY
   */
  concurrency?: number
  /**
   * `getBlock` itself checks every chunk with `verifyChunk(entry, index, bytes)` before it
   * resolves, so `readVerified` does not hash it again. Only for such a `getBlock`.
   * @default false
   */
  verified?: boolean
}

/**
 * Streams bytes `[start, end)` of a file. Each chunk is fetched with `getBlock`, verified
 * (hash and size), then sliced to the range; a block that fails verification errors the stream
 * with `BlockVerificationError` before any of its bytes is enqueued. Errors of `getBlock`
 * error the stream as they are. Cancelling the stream aborts the fetches under way.
 * Throws `RangeError` at once for a range outside the file.
 * @example
 * const body = readVerified(entry, (cid, { signal }) => blocks.get(cid, { signal }), parseRange(h, entry.size) ?? {})
 */
export function readVerified(
  entry: FileEntry,
  getBlock: GetBlock,
  options: ReadVerifiedOptions = {},
): ReadableStream<Uint8Array> {
  const start = options.start ?? 0
  const end = options.end ?? entry.size
  const concurrency = options.concurrency ?? DEFAULT_READ_CONCURRENCY
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(end) ||
    start < 0 ||
    end < start ||
    end > entry.size
  ) {
    throw new RangeError(`range ${start}-${end} is outside a file of ${entry.size} bytes`)
  }
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrency must be a positive integer')
  }
  const first = Math.floor(start / CHUNK_SIZE)
  const last = end === start ? first - 1 : Math.ceil(end / CHUNK_SIZE) - 1
  const aborter = new AbortController()
  const pending = new Map<number, Promise<Uint8Array>>()
  let next = first // next chunk to emit
  let requested = first // next chunk to fetch

  const fetchChunk = (index: number): Promise<Uint8Array> => {
    const cid = entry.chunks[index]
    const fetched = getBlock(cid, { signal: aborter.signal, index })
    const verified =
      options.verified === true
        ? fetched
        : fetched.then(async (bytes) => {
            await verifyChunk(entry, index, bytes)
            return bytes
          })
    // Awaited later, in order; until then a rejection must not count as unhandled.
    verified.catch(() => {})
    return verified
  }

  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined
  const onAbort = (): void => {
    aborter.abort(options.signal?.reason)
    controllerRef?.error(options.signal?.reason)
  }
  const finish = (): void => {
    options.signal?.removeEventListener('abort', onAbort)
    pending.clear()
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller
      if (options.signal?.aborted === true) {
        aborter.abort(options.signal.reason)
        throw options.signal.reason
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (next > last) {
        finish()
        controller.close()
      }
    },
    async pull(controller) {
      while (requested <= last && requested < next + concurrency) {
        pending.set(requested, fetchChunk(requested))
        requested++
      }
      const index = next
      let bytes: Uint8Array
      try {
        bytes = await (pending.get(index) as Promise<Uint8Array>)
      } catch (error) {
        aborter.abort(error)
        finish()
        throw error
      }
      if (aborter.signal.aborted) return
      pending.delete(index)
      const offset = index * CHUNK_SIZE
      const from = Math.max(start - offset, 0)
      const to = Math.min(end - offset, bytes.length)
      controller.enqueue(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to))
      next++
      if (next > last) {
        finish()
        controller.close()
      }
    },
    cancel(reason) {
      aborter.abort(reason)
      finish()
    },
  })
}
