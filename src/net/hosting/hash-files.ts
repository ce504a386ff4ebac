/**
 * Chunking and hashing a site's files into blocks handed over in batches, and its manifest.
 * Runs in the hashing worker, or inline where there is no `Worker` (Node).
 * @module
 */
import type { CID } from 'multiformats/cid'
import { addFiles, type EncodedManifest, type SiteFile } from '../../core/content/index.ts'
import { DEFAULT_STORE_BATCH_BYTES } from './constants.ts'
import type { HashProgress } from './publish-progress.ts'
import type { PreparedFile } from './site-files.ts'

export type { HashProgress }

/** A verified-by-construction block: bytes and the CID they hash to. */
export interface HashedBlock {
  cid: CID
  bytes: Uint8Array
}

/** Options of `hashSiteFiles`. */
export interface HashSiteFilesOptions {
  /** Receives the blocks in batches; awaited, so a slow store slows hashing (bounded memory). */
  onBatch(blocks: HashedBlock[]): Promise<void>
  onProgress?(progress: HashProgress): void
  signal?: AbortSignal
  /**
   * Bytes of blocks per batch.
   * @default DEFAULT_STORE_BATCH_BYTES
   */
  batchBytes?: number
}

function siteFile(file: PreparedFile): SiteFile {
  const content =
    typeof Blob !== 'undefined' && file.content instanceof Blob
      ? (file.content.stream() as ReadableStream<Uint8Array>)
      : (file.content as Uint8Array | ReadableStream<Uint8Array>)
  return file.type === undefined
    ? { path: file.path, content }
    : { path: file.path, content, type: file.type }
}

/**
 * Chunks every file, hands the blocks over in batches of about `batchBytes`, and returns the
 * encoded manifest (whose block is not in any batch). Throws the content core's errors
 * (`InvalidPathError`, `InvalidManifestError`) and the signal's reason.
 */
export async function hashSiteFiles(
  files: readonly PreparedFile[],
  options: HashSiteFilesOptions,
): Promise<EncodedManifest> {
  const limit = options.batchBytes ?? DEFAULT_STORE_BATCH_BYTES
  let batch: HashedBlock[] = []
  let batchBytes = 0
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    const full = batch
    batch = []
    batchBytes = 0
    await options.onBatch(full)
  }
  const encoded = await addFiles(files.map(siteFile), {
    signal: options.signal,
    onBlock: async (cid, bytes) => {
      batch.push({ cid, bytes })
      batchBytes += bytes.length
      if (batchBytes >= limit) await flush()
    },
    onProgress: (p) =>
      options.onProgress?.({ path: p.path, bytesHashed: p.totalBytes, filesDone: p.filesDone }),
  })
  await flush()
  return encoded
}
