/**
 * Publishing a whole site: chunks every file, hands each block to the caller, builds the
 * manifest. Files are streamed: one chunk per file is in memory at a time.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { chunkFile, type ByteSource } from './chunker.ts'
import { MAX_FILE_SIZE, MAX_FILES } from './constants.ts'
import { InvalidManifestError } from './errors.ts'
import { buildManifest, type EncodedManifest, type ManifestInput } from './manifest.ts'
import { normalizePath } from './paths.ts'

/** A file to publish. */
export interface SiteFile {
  /** Path in the site; normalised with `normalizePath`. */
  path: string
  /** The file's bytes, whole or streamed. */
  content: ByteSource | Uint8Array
  /** @default mediaTypeFor(path) */
  type?: string
}

/** Progress of `addFiles`, reported after every chunk. */
export interface AddProgress {
  /** Normalised path of the file being chunked. */
  path: string
  /** Bytes of that file chunked so far. */
  fileBytes: number
  /** Bytes of every file chunked so far. */
  totalBytes: number
  /** Files finished so far. */
  filesDone: number
}

/** Options of `addFiles`. */
export interface AddFilesOptions {
  /** Receives every chunk block; the caller stores it. Awaited: a slow store slows chunking. */
  onBlock: (cid: CID, bytes: Uint8Array) => void | Promise<void>
  /** Called after every chunk. */
  onProgress?: (progress: AddProgress) => void
  /** Stops the work: `addFiles` rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Chunks every file, passes each block to `onBlock` and builds the site's manifest (the
 * manifest block itself is returned, not passed to `onBlock`: store `bytes` under `cid`).
 * Throws `InvalidPathError` or `InvalidManifestError` as soon as a file breaks a rule.
 * @example
 * const { cid, bytes } = await addFiles(files, { onBlock: (cid, b) => store.put(cid, b) })
 */
export async function addFiles(
  files: AsyncIterable<SiteFile> | Iterable<SiteFile>,
  options: AddFilesOptions,
): Promise<EncodedManifest> {
  const { onBlock, onProgress, signal } = options
  const inputs: ManifestInput[] = []
  const seen = new Set<string>()
  let totalBytes = 0
  for await (const file of files) {
    signal?.throwIfAborted()
    const path = normalizePath(file.path)
    if (seen.has(path))
      throw new InvalidManifestError('duplicate-path', `Two files have the path "${path}".`)
    seen.add(path)
    if (seen.size > MAX_FILES) {
      throw new InvalidManifestError(
        'too-many-files',
        `A site can hold at most ${MAX_FILES} files.`,
      )
    }
    const source = file.content instanceof Uint8Array ? [file.content] : file.content
    const chunks: CID[] = []
    let size = 0
    for await (const chunk of chunkFile(source, { signal })) {
      size += chunk.bytes.length
      if (size > MAX_FILE_SIZE) {
        throw new InvalidManifestError(
          'file-too-large',
          `"${path}" is over the ${MAX_FILE_SIZE}-byte limit.`,
        )
      }
      totalBytes += chunk.bytes.length
      await onBlock(chunk.cid, chunk.bytes)
      chunks.push(chunk.cid)
      onProgress?.({ path, fileBytes: size, totalBytes, filesDone: inputs.length })
    }
    inputs.push(
      file.type === undefined ? { path, size, chunks } : { path, size, chunks, type: file.type },
    )
  }
  return buildManifest(inputs)
}
