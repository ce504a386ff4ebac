/**
 * The site manifest: one DAG-CBOR block mapping each normalised path to its size, media type
 * and chunk CIDs. Its CID is the content root a name record points to. See
 * docs/PROTOCOL.md, "Manifest".
 * @module
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from '../crypto/sha256.ts'
import { compare, utf8 } from '../bytes.ts'
import {
  CHUNK_SIZE,
  DAG_CBOR_CODEC,
  MANIFEST_VERSION,
  MAX_FILE_SIZE,
  MAX_FILES,
  MAX_MANIFEST_SIZE,
  MAX_TYPE_LENGTH,
  RAW_CODEC,
  SHA2_256_CODE,
  SHA2_256_LENGTH,
} from './constants.ts'
import { InvalidManifestError, MalformedManifestError, type ManifestReason } from './errors.ts'
import { mediaTypeFor } from './media-types.ts'
import { normalizePath } from './paths.ts'
import { verifyBlock } from './verify.ts'
import { decodeCanonicalCbor } from '../cbor.ts'
import { declaredFileCount } from './manifest-shape.ts'
import { manifestRefusal, rememberRefusal } from './manifest-refusals.ts'
import type { FileEntry, Manifest } from './manifest-types.ts'

export type { FileEntry, Manifest } from './manifest-types.ts'

/** A file to list in a manifest: its path need not be normalised yet. */
export interface ManifestInput {
  path: string
  size: number
  /** @default mediaTypeFor(path) */
  type?: string
  chunks: CID[]
}

/** A manifest with its encoding and CID. */
export interface EncodedManifest {
  manifest: Manifest
  /** The canonical DAG-CBOR bytes: the block to store and serve under `cid`. */
  bytes: Uint8Array
  /** CIDv1, dag-cbor, sha2-256: the site's content root. */
  cid: CID
}

type Fail = (reason: ManifestReason, message: string) => never

/** A media type goes into a Content-Type header: printable ASCII only (no CR/LF injection). */
const TYPE_PATTERN = /^[\x21-\x7e][\x20-\x7e]*$/

/** Expected number of chunks for a file of `size` bytes. */
export function chunkCount(size: number): number {
  return Math.ceil(size / CHUNK_SIZE)
}

function isChunkCid(value: unknown): value is CID {
  const cid = CID.asCID(value)
  return (
    cid != null &&
    cid.version === 1 &&
    cid.code === RAW_CODEC &&
    cid.multihash.code === SHA2_256_CODE &&
    cid.multihash.size === SHA2_256_LENGTH
  )
}

/** Checks one entry's fields; `where` names it in messages. */
function checkEntry(value: unknown, where: string, fail: Fail): FileEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('not-a-map', `The entry of ${where} is not a map.`)
  }
  const keys = Object.keys(value)
  for (const key of keys) {
    if (key !== 'size' && key !== 'type' && key !== 'chunks') {
      fail('unknown-field', `The entry of ${where} has an unknown field "${key}".`)
    }
  }
  const { size, type, chunks } = value as Record<string, unknown>
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    fail('invalid-size', `The size of ${where} is not a non-negative integer.`)
  }
  if (size > MAX_FILE_SIZE) {
    fail('file-too-large', `${where} is ${size} bytes, over the ${MAX_FILE_SIZE}-byte limit.`)
  }
  if (typeof type !== 'string' || type.length > MAX_TYPE_LENGTH || !TYPE_PATTERN.test(type)) {
    fail('invalid-type', `The media type of ${where} is missing or not printable ASCII.`)
  }
  if (!Array.isArray(chunks) || !chunks.every(isChunkCid)) {
    fail('invalid-chunk', `The chunks of ${where} are not a list of raw sha2-256 CIDv1.`)
  }
  if (chunks.length !== chunkCount(size)) {
    fail(
      'chunk-count',
      `${where} has ${chunks.length} chunks; ${size} bytes in ${CHUNK_SIZE}-byte chunks need ${chunkCount(size)}.`,
    )
  }
  return { size, type, chunks: [...chunks] }
}

/** DAG-CBOR map key order (shorter UTF-8 first, then bytewise): the order `decodeManifest` yields. */
function dagCborKeyOrder(a: string, b: string): number {
  const x = utf8(a)
  const y = utf8(b)
  return x.length - y.length || compare(x, y)
}

/**
 * Refuses a file whose path is also a folder of another file (`/a` and `/a/b`): no file
 * system holds both, and lookup would be ambiguous.
 */
function checkConflicts(paths: readonly string[], fail: Fail): void {
  const files = new Set(paths)
  for (const path of paths) {
    for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) {
      const folder = path.slice(0, i)
      if (files.has(folder)) {
        fail('path-conflict', `"${folder}" is both a file and the folder of "${path}".`)
      }
    }
  }
}

/**
 * Builds a manifest from a list of files: normalises paths, fills missing media types from the
 * extension, checks every limit and encodes it. The order of `files` does not matter.
 * Throws `InvalidManifestError` (or `InvalidPathError` for a path that cannot be normalised).
 */
export async function buildManifest(files: readonly ManifestInput[]): Promise<EncodedManifest> {
  const fail: Fail = (reason, message) => {
    throw new InvalidManifestError(reason, message)
  }
  if (files.length > MAX_FILES) {
    fail(
      'too-many-files',
      `A site can hold at most ${MAX_FILES} files; this one has ${files.length}.`,
    )
  }
  const entries = new Map<string, FileEntry>()
  for (const file of files) {
    const path = normalizePath(file.path)
    if (entries.has(path)) fail('duplicate-path', `Two files have the path "${path}".`)
    const candidate = {
      size: file.size,
      type: file.type ?? mediaTypeFor(path),
      chunks: file.chunks,
    }
    entries.set(path, checkEntry(candidate, path, fail))
  }
  checkConflicts([...entries.keys()], fail)
  const sorted: Record<string, FileEntry> = {}
  for (const path of [...entries.keys()].sort(dagCborKeyOrder)) {
    sorted[path] = entries.get(path) as FileEntry
  }
  const manifest: Manifest = { v: MANIFEST_VERSION, files: sorted }
  const bytes = dagCbor.encode(manifest)
  if (bytes.length > MAX_MANIFEST_SIZE) {
    fail(
      'too-large',
      `The manifest is ${bytes.length} bytes, over the ${MAX_MANIFEST_SIZE}-byte limit.`,
    )
  }
  const cid = CID.createV1(DAG_CBOR_CODEC, await sha256.digest(bytes))
  return { manifest, bytes, cid }
}

/** Options of `decodeManifest`. */
export interface DecodeManifestOptions {
  /**
   * The caller already checked the bytes against `cid` (as `RouteClient.getBlock` does): they
   * are not hashed again.
   * @default false
   */
  verified?: boolean
}

/**
 * Decodes and validates a manifest block. With `cid`, first checks the bytes are that block
 * (`BlockVerificationError`). Refuses with `MalformedManifestError` anything but the canonical
 * DAG-CBOR encoding of a valid manifest: unknown fields, other versions, paths that are not
 * normalised, chunk lists that do not fit the size, limits exceeded. The file count is read
 * from the CBOR heads before anything is decoded. With `cid`, a refusal is remembered for that
 * root (`manifestRefusal`) and repeated at once on the next call, whatever the bytes.
 */
export async function decodeManifest(
  bytes: Uint8Array,
  cid?: CID,
  options: DecodeManifestOptions = {},
): Promise<Manifest> {
  const fail: Fail = (reason, message) => {
    throw new MalformedManifestError(reason, message)
  }
  if (cid !== undefined) {
    const refused = manifestRefusal(cid)
    if (refused !== undefined) throw refused
  }
  if (bytes.length > MAX_MANIFEST_SIZE) {
    fail(
      'too-large',
      `The manifest is ${bytes.length} bytes, over the ${MAX_MANIFEST_SIZE}-byte limit.`,
    )
  }
  if (cid !== undefined) {
    if (cid.code !== DAG_CBOR_CODEC) {
      fail('wrong-cid', `${cid} is not a dag-cbor CID, so it cannot name a manifest.`)
    }
    if (options.verified !== true) await verifyBlock(cid, bytes)
  }
  try {
    return decodeVerified(bytes, fail)
  } catch (error) {
    // Only verified bytes are remembered: a host cannot get a good root refused.
    if (cid !== undefined && error instanceof MalformedManifestError) rememberRefusal(cid, error)
    throw error
  }
}

/** Decodes bytes already checked for size and against their CID. */
function decodeVerified(bytes: Uint8Array, fail: Fail): Manifest {
  const declared = declaredFileCount(bytes)
  if (declared !== undefined && declared > MAX_FILES) {
    fail('too-many-files', `The manifest lists ${declared} files, over the limit of ${MAX_FILES}.`)
  }
  // One encoding per manifest: anything the encoder would not produce is refused.
  const decoded = decodeCanonicalCbor(bytes)
  if (!decoded.ok && decoded.reason === 'invalid') {
    fail('not-canonical', `The manifest is not valid DAG-CBOR: ${(decoded.cause as Error).message}`)
  }
  if (!decoded.ok) fail('not-canonical', 'The manifest is not in canonical DAG-CBOR form.')
  const value = decoded.value
  if (typeof value !== 'object' || value === null || Array.isArray(value) || CID.asCID(value)) {
    fail('not-a-map', 'The manifest is not a map.')
  }
  const top = value as Record<string, unknown>
  for (const key of Object.keys(top)) {
    if (key !== 'v' && key !== 'files')
      fail('unknown-field', `The manifest has an unknown field "${key}".`)
  }
  if (top.v !== MANIFEST_VERSION) {
    fail(
      'unsupported-version',
      `The manifest version is ${String(top.v)}; only ${MANIFEST_VERSION} is supported.`,
    )
  }
  const rawFiles = top.files
  if (
    typeof rawFiles !== 'object' ||
    rawFiles === null ||
    Array.isArray(rawFiles) ||
    CID.asCID(rawFiles)
  ) {
    fail('not-a-map', 'The manifest\'s "files" is not a map.')
  }
  const paths = Object.keys(rawFiles as object)
  if (paths.length > MAX_FILES) {
    fail(
      'too-many-files',
      `The manifest lists ${paths.length} files, over the limit of ${MAX_FILES}.`,
    )
  }
  const files: Record<string, FileEntry> = {}
  for (const path of paths) {
    let normal: string | undefined
    try {
      normal = normalizePath(path)
    } catch {
      normal = undefined
    }
    if (normal !== path)
      fail(
        'invalid-path',
        `The manifest has a path that is not normalised: ${JSON.stringify(path)}.`,
      )
    files[path] = checkEntry((rawFiles as Record<string, unknown>)[path], path, fail)
  }
  checkConflicts(paths, fail)
  return { v: MANIFEST_VERSION, files }
}
