/**
 * Typed errors of content addressing. Each `name` is the class name and is stable; callers
 * and tests branch on `name` (and `reason`), never on message text.
 * @module
 */
import type { CID } from 'multiformats/cid'

/** Why a path was refused. Stable strings: see docs/PROTOCOL.md, "Paths". */
export type InvalidPathReason =
  | 'empty'
  | 'not-absolute'
  | 'backslash'
  | 'control-character'
  | 'reserved-character'
  | 'invalid-percent-encoding'
  | 'encoded-separator'
  | 'invalid-utf8'
  | 'empty-segment'
  | 'dot-segment'
  | 'trailing-slash'
  | 'segment-too-long'
  | 'path-too-long'

/** A file path or URL path that the protocol refuses. */
export class InvalidPathError extends Error {
  override name = 'InvalidPathError'
  /** Which rule the path broke. */
  readonly reason: InvalidPathReason
  constructor(reason: InvalidPathReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** Why a manifest was refused, when building or decoding it. */
export type ManifestReason =
  | 'not-canonical'
  | 'wrong-cid'
  | 'too-large'
  | 'not-a-map'
  | 'unknown-field'
  | 'unsupported-version'
  | 'too-many-files'
  | 'invalid-path'
  | 'duplicate-path'
  | 'path-conflict'
  | 'invalid-size'
  | 'file-too-large'
  | 'invalid-type'
  | 'invalid-chunk'
  | 'chunk-count'

/** Bytes that are not a valid manifest, or do not match the CID they were fetched by. */
export class MalformedManifestError extends Error {
  override name = 'MalformedManifestError'
  /** Which rule the manifest broke. */
  readonly reason: ManifestReason
  constructor(reason: ManifestReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** A list of files that cannot become a manifest (duplicate paths, over a limit...). */
export class InvalidManifestError extends Error {
  override name = 'InvalidManifestError'
  /** Which rule the file list broke. */
  readonly reason: ManifestReason
  constructor(reason: ManifestReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** Why a block or a file failed verification. */
export type BlockVerificationReason =
  | 'hash-mismatch'
  | 'unsupported-cid-version'
  | 'unsupported-codec'
  | 'unsupported-hash'
  | 'too-large'
  | 'wrong-size'
  | 'missing-block'
  | 'extra-block'

/** Bytes that do not match the CID they were requested by, or a file that does not match its entry. */
export class BlockVerificationError extends Error {
  override name = 'BlockVerificationError'
  /** Which check failed. */
  readonly reason: BlockVerificationReason
  /** The block concerned, when there is one. */
  readonly cid?: CID
  constructor(reason: BlockVerificationReason, message: string, cid?: CID) {
    super(message)
    this.reason = reason
    if (cid !== undefined) this.cid = cid
  }
}

/** A Range header no byte of the file satisfies (HTTP 416). */
export class RangeNotSatisfiableError extends Error {
  override name = 'RangeNotSatisfiableError'
  /** Size of the file, for the `Content-Range: bytes *\/size` header of the 416 response. */
  readonly size: number
  constructor(size: number, message: string) {
    super(message)
    this.size = size
  }
}
