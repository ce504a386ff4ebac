/**
 * Content addressing: files split into 256 KiB raw blocks addressed by CIDv1 (sha2-256), a
 * DAG-CBOR manifest mapping paths to chunks whose CID is a site's content root, path
 * normalisation, lookup, ranges and verified reads. Specified in docs/PROTOCOL.md.
 *
 * @example
 * ```ts
 * import { addFiles, decodeManifest, lookupPath, normalizeRequestPath, readVerified } from './index.ts'
 *
 * // Publish: every block goes to the store, the manifest CID goes into the name record.
 * const site = await addFiles(files, { onBlock: (cid, bytes) => store.put(cid, bytes) })
 *
 * // Visit: every byte is checked against the manifest before it reaches the page.
 * const manifest = await decodeManifest(await fetchBlock(root), root)
 * const found = lookupPath(manifest, normalizeRequestPath(url.pathname))
 * if (found !== null && 'entry' in found) {
 *   const body = readVerified(found.entry, (cid, { signal }) => fetchBlock(cid, { signal }))
 * }
 * ```
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export { chunkFile, type ByteSource, type Chunk, type ChunkFileOptions } from './chunker.ts'
export {
  buildManifest,
  chunkCount,
  decodeManifest,
  type DecodeManifestOptions,
  type EncodedManifest,
  type FileEntry,
  type Manifest,
  type ManifestInput,
} from './manifest.ts'
export { manifestRefusal } from './manifest-refusals.ts'
export { lookupPath, notFoundEntry, type FolderRedirect, type FoundFile } from './lookup.ts'
export { encodePath, normalizePath, normalizeRequestPath } from './paths.ts'
export { MEDIA_TYPES, mediaTypeFor } from './media-types.ts'
export { chunkLength, rawCid, verifyBlock, verifyChunk, verifyFile } from './verify.ts'
export { chunksInRange, contentRange, parseRange, type ByteRange } from './range.ts'
export { readVerified, type GetBlock, type ReadVerifiedOptions } from './read-verified.ts'
export { addFiles, type AddFilesOptions, type AddProgress, type SiteFile } from './add-files.ts'
