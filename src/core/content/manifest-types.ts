/**
 * The shape of a decoded site manifest (see `manifest.ts` for its encoding and checks, and
 * docs/PROTOCOL.md, "Manifest"): apart, so the block checks can name a file's entry without
 * importing the manifest's code.
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { MANIFEST_VERSION } from './constants.ts'

/** One file of a site. */
export interface FileEntry {
  /** Size in bytes. */
  size: number
  /** Media type, sent as the Content-Type of the file. */
  type: string
  /** CIDs of the file's chunks, in order: ceil(size / CHUNK_SIZE) of them. */
  chunks: CID[]
}

/** A decoded manifest. Keys of `files` are normalised paths (see `normalizePath`). */
export interface Manifest {
  v: typeof MANIFEST_VERSION
  files: Record<string, FileEntry>
}
