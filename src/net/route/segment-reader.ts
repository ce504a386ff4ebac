/**
 * Reading a file's chunks from a store for `readVerified`: a segment of chunks at a time in one
 * store transaction (IndexedDB in the page), the next segment read while the current one is
 * emitted, instead of one transaction per chunk; each chunk is handed out as soon as its own
 * read is done, not when its whole segment is. Used by a host answering a file request and by
 * a visitor reading a kept file.
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { FileEntry, GetBlock } from '../../core/content/index.ts'

/** Chunks read from the store in one transaction (16 × 256 KiB = 4 MiB). */
export const READ_SEGMENT_CHUNKS = 16

/** Each block's bytes (or undefined), in order, read together. */
export type GetBlocks = (cids: readonly CID[]) => Promise<(Uint8Array | undefined)[]>

/** Each block's bytes (or undefined), read together, each settling when its own read is done. */
export type ReadBlocks = (cids: readonly CID[]) => Promise<Uint8Array | undefined>[]

/** `getBlocks` as a `ReadBlocks` (every block then waits for the slowest of its segment). */
export function eachOf(getBlocks: GetBlocks): ReadBlocks {
  return (cids) => {
    const all = getBlocks(cids)
    return cids.map((_, i) => all.then((blocks) => blocks[i]))
  }
}

/**
 * A `GetBlock` over `readBlocks` for the chunks of `entry`: asking for chunk `index` reads its
 * segment (and starts reading the next one); a segment is let go once each of its chunks was
 * handed out. A chunk the store does not hold fails with `missing(cid)`.
 */
export function segmentReader(
  entry: FileEntry,
  readBlocks: ReadBlocks,
  missing: (cid: CID) => Error,
  segment = READ_SEGMENT_CHUNKS,
): GetBlock {
  const reads = new Map<number, { blocks: Promise<Uint8Array | undefined>[]; left: number }>()
  const read = (n: number): { blocks: Promise<Uint8Array | undefined>[]; left: number } => {
    let entryRead = reads.get(n)
    if (entryRead === undefined) {
      const cids: CID[] = entry.chunks.slice(n * segment, (n + 1) * segment)
      const blocks = readBlocks(cids)
      for (const block of blocks) block.catch(() => {}) // awaited when its chunk is asked for
      entryRead = { blocks, left: cids.length }
      reads.set(n, entryRead)
    }
    return entryRead
  }
  return async (cid, { index }) => {
    const n = Math.floor(index / segment)
    const current = read(n)
    if ((n + 1) * segment < entry.chunks.length) read(n + 1)
    if (--current.left <= 0) reads.delete(n)
    const bytes = await current.blocks[index - n * segment]
    if (bytes === undefined) throw missing(cid)
    return bytes
  }
}
