/**
 * Reading a file's chunks from the local store for `readVerified`: a segment of chunks at a time
 * in one store transaction (IndexedDB in the page), the next segment read while the current one
 * is emitted, instead of one transaction per chunk.
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { FileEntry, GetBlock } from '../../core/content/index.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import { BlockGoneError } from './errors.ts'

/** Chunks read from the store in one transaction (16 × 256 KiB = 4 MiB). */
export const LOCAL_READ_SEGMENT = 16

/**
 * A `GetBlock` over `store` for the chunks of `entry`: asking for chunk `index` reads its
 * segment (and starts reading the next one); a segment is let go once each of its chunks was
 * handed out. A chunk no longer in the store fails with `BlockGoneError`.
 */
export function segmentReader(
  entry: FileEntry,
  store: Pick<ContentStore, 'getBlocks'>,
  segment = LOCAL_READ_SEGMENT,
): GetBlock {
  const reads = new Map<number, { blocks: Promise<(Uint8Array | undefined)[]>; left: number }>()
  const read = (n: number): { blocks: Promise<(Uint8Array | undefined)[]>; left: number } => {
    let entryRead = reads.get(n)
    if (entryRead === undefined) {
      const cids: CID[] = entry.chunks.slice(n * segment, (n + 1) * segment)
      const blocks = store.getBlocks(cids)
      blocks.catch(() => {}) // awaited when its chunks are asked for
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
    const bytes = (await current.blocks)[index - n * segment]
    if (bytes === undefined)
      throw new BlockGoneError(`Block ${cid} left the store while it was read.`)
    return bytes
  }
}
