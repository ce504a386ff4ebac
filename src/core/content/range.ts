/**
 * HTTP Range headers (RFC 9110, section 14) for the service worker and the host alike: one
 * byte range, or none. See docs/PROTOCOL.md, "Ranges".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from './constants.ts'
import { RangeNotSatisfiableError } from './errors.ts'
import type { FileEntry } from './manifest.ts'

/** A byte range of a file: `start` inclusive, `end` exclusive (like `Uint8Array.subarray`). */
export interface ByteRange {
  start: number
  end: number
}

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i

/**
 * Parses a `Range` header for a file of `size` bytes. Returns the range to send (clamped to
 * the file), or `null` when the whole file should be sent with status 200: no header, a
 * syntax error, another unit, or several ranges (not supported). Throws
 * `RangeNotSatisfiableError` (status 416) when the single range asks for no byte of the file.
 * @example parseRange('bytes=0-99', 1000) // { start: 0, end: 100 }
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null {
  if (header == null) return null
  const match = SINGLE_RANGE.exec(header.trim())
  if (match === null) return null
  const [, first, last] = match
  if (first === '' && last === '') return null
  if (first === '') {
    // Suffix range: the last n bytes.
    const n = Number(last)
    if (n === 0) throw new RangeNotSatisfiableError(size, 'The range asks for the last 0 bytes.')
    if (size === 0) throw new RangeNotSatisfiableError(size, 'The file is empty.')
    return { start: Math.max(0, size - n), end: size }
  }
  const start = Number(first)
  const end = last === '' ? size : Number(last) + 1
  // last-pos < first-pos: invalid, so the header is ignored (RFC 9110, 14.1.1).
  if (last !== '' && end <= start) return null
  if (start >= size) {
    throw new RangeNotSatisfiableError(
      size,
      `The range starts at byte ${start}; the file has ${size} bytes.`,
    )
  }
  return { start, end: Math.min(end, size) }
}

/** `Content-Range` header value of a 206 response for `range` of a file of `size` bytes. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end - 1}/${size}`
}

/** The chunks of `entry` that hold its bytes `[start, end)`, in order; none for an empty range. */
export function chunksInRange(entry: FileEntry, start: number, end: number): CID[] {
  if (end <= start) return []
  return entry.chunks.slice(Math.floor(start / CHUNK_SIZE), Math.ceil(end / CHUNK_SIZE))
}
