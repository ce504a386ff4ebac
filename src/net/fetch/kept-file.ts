/**
 * Reading a file from the blocks this device keeps. A block is verified against its CID before
 * it is kept (`ContentStore.putBlocks`, `putSite`), and its CID is its key in the store, so a
 * kept block is not hashed again when read: only its codec and length are checked against the
 * file's entry (a manifest may list a chunk of the wrong size; its own hash does not say so).
 * Bytes from the network are always hashed (`fetchFile`, the route client). See
 * docs/PROTOCOL.md, "Verification". Each chunk read whole is handed over (`core/owned-bytes.ts`):
 * its buffer was read for this reader alone, so the bridge transfers it to the site's service
 * worker without copying it.
 * @module
 */
import type { CID } from 'multiformats/cid'
import {
  BlockVerificationError,
  RAW_CODEC,
  chunkLength,
  readVerified,
  type FileEntry,
} from '../../core/content/index.ts'
import { handOver } from '../../core/owned-bytes.ts'
import { segmentReader, type ReadBlocks } from '../route/segment-reader.ts'

/** Options of {@link readKeptFile}. */
export interface ReadKeptFileOptions {
  /** First byte to emit. @default 0 */
  start?: number
  /** Byte after the last one to emit. @default entry.size */
  end?: number
  signal?: AbortSignal
  /** The error for a chunk the store no longer holds. */
  missing(cid: CID): Error
}

/**
 * Throws `BlockVerificationError` ('wrong-size') unless `bytes`, a kept block, can be chunk
 * `index` of `entry`: a raw block of the length fixed-size chunking gives.
 */
export function checkKeptChunk(entry: FileEntry, index: number, bytes: Uint8Array): void {
  const cid = entry.chunks[index]
  const expected = chunkLength(entry.size, index)
  if (cid.code !== RAW_CODEC || bytes.length !== expected) {
    throw new BlockVerificationError(
      'wrong-size',
      `Chunk ${index} (${cid}) is ${bytes.length} bytes; the file's size requires ${expected}.`,
      cid,
    )
  }
}

/**
 * Streams bytes `[start, end)` of `entry` from kept blocks, a segment of chunks per store
 * transaction (`segmentReader`), each chunk passed on once its own read is done, its length
 * checked and none hashed again; a whole chunk is handed over to the stream's reader.
 */
export function readKeptFile(
  entry: FileEntry,
  readBlocks: ReadBlocks,
  options: ReadKeptFileOptions,
): ReadableStream<Uint8Array> {
  const read = segmentReader(entry, readBlocks, options.missing)
  return readVerified(
    entry,
    async (cid, args) => {
      const bytes = await read(cid, args)
      checkKeptChunk(entry, args.index, bytes)
      return handOver(bytes)
    },
    { start: options.start, end: options.end, signal: options.signal, verified: true },
  )
}
