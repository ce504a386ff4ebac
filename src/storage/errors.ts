/**
 * Errors of the local store. Each class's `name` is its stable code: callers and tests branch on
 * `name` (and `reason`), never on the message, which is written for people.
 * @module
 */

/** Base class of every storage error (never thrown itself). */
export class StorageError extends Error {
  override name = 'StorageError'
}

/** This browser gives the page no IndexedDB (some private modes, disabled storage, a newer schema). */
export class StorageUnavailableError extends StorageError {
  override name = 'StorageUnavailableError'
}

/** The browser's storage quota for this app is used up; nothing of the failed write was kept. */
export class StorageFullError extends StorageError {
  override name = 'StorageFullError'
}

/** The passphrase does not open the key file. */
export class WrongPassphraseError extends StorageError {
  override name = 'WrongPassphraseError'
}

/** A passphrase too weak to protect a key file (empty, too short, one repeated character). */
export class WeakPassphraseError extends StorageError {
  override name = 'WeakPassphraseError'
}

/** Why a key file was refused. */
export type DamagedKeyFileReason =
  | 'not-a-key-file'
  | 'unsupported-version'
  | 'malformed'
  | 'checksum-mismatch'
  | 'key-mismatch'
  | 'too-large'

/** The file is not an Alternet key file, or it was truncated or altered. */
export class DamagedKeyFileError extends StorageError {
  override name = 'DamagedKeyFileError'
  /** Which check failed. */
  readonly reason: DamagedKeyFileReason
  constructor(reason: DamagedKeyFileReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/**
 * Importing would replace an owner key that still holds published sites: the names would be lost.
 * Import with `{ replace: true }` once the person has confirmed.
 */
export class OwnerKeyInUseError extends StorageError {
  override name = 'OwnerKeyInUseError'
  /** The sites the current owner key publishes. */
  readonly sites: string[]
  constructor(sites: string[], message: string) {
    super(message)
    this.sites = sites
  }
}

/** The owner key was replaced (imported) after this handle to it was taken. */
export class OwnerKeyReplacedError extends StorageError {
  override name = 'OwnerKeyReplacedError'
}

/** A record arrived under another key than the one pinned for its root name (trust on first use). */
export class PinMismatchError extends StorageError {
  override name = 'PinMismatchError'
  /** The canonical root site name. */
  readonly root: string
  /** The holder key pinned for it. */
  readonly pinned: Uint8Array
  /** The other key offered. */
  readonly offered: Uint8Array
  constructor(root: string, pinned: Uint8Array, offered: Uint8Array, message: string) {
    super(message)
    this.root = root
    this.pinned = pinned
    this.offered = offered
  }
}

/** A manifest was stored without every block it lists. */
export class IncompleteSiteError extends StorageError {
  override name = 'IncompleteSiteError'
  /** CID strings of the missing blocks (at most a few). */
  readonly missing: string[]
  constructor(missing: string[], message: string) {
    super(message)
    this.missing = missing
  }
}

/**
 * The error a caller should see for a failure inside IndexedDB: a full quota becomes
 * `StorageFullError`, a missing or broken database `StorageUnavailableError`; our own errors pass.
 */
export function storageError(error: unknown): unknown {
  if (error instanceof StorageError) return error
  const name = (error as { name?: unknown } | null)?.name
  if (name === 'QuotaExceededError') {
    return new StorageFullError(
      'The browser has no more room for Alternet on this device. Stop hosting a site or free disk space, then try again.',
      { cause: error },
    )
  }
  if (name === 'UnknownError' || name === 'InvalidStateError' || name === 'SecurityError') {
    return new StorageUnavailableError(
      'The browser refused Alternet its local storage (private browsing, or storage turned off for this site). Keys and sites cannot be kept.',
      { cause: error },
    )
  }
  return error
}
