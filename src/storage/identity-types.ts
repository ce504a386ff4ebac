/**
 * The shapes of the identity area (`identity.ts` keeps the keys, `identity-rules.ts` holds its
 * checks): the owner key as callers see it, a key file's public facts, and the store's
 * interface.
 * @module
 */
import type { PrivateKey } from '@libp2p/interface'
import type {
  Delegation,
  DelegationInit,
  RecordFields,
  RevocationInit,
  SignedRecord,
  SignedRevocation,
} from '../core/records/index.ts'
import type { EncryptKeyFileOptions } from './key-file.ts'

/** The owner key: its public part, and signing without handing out the seed. */
export interface OwnerKey {
  /** 32-byte Ed25519 public key: the `owner` of every record it signs. */
  readonly publicKey: Uint8Array
  /** Human-comparable fingerprint of `publicKey` (see `fingerprint`). */
  readonly fingerprint: string
  /** When the key was created, or imported onto this device, ms since the epoch. */
  readonly createdAt: number
  /** Signs raw bytes (callers domain-separate). Throws `OwnerKeyReplacedError` when the key was replaced. */
  sign(message: Uint8Array): Promise<Uint8Array>
  /** `createRecord` from the core with this key. */
  createRecord(fields: RecordFields): Promise<SignedRecord>
  /** `createDelegation` from the core with this key as the root key. */
  createDelegation(init: DelegationInit): Promise<Delegation>
  /** `createRevocation` from the core with this key as the revoker. */
  createRevocation(init: RevocationInit): Promise<SignedRevocation>
}

/** What a key file says about itself, for the person to check before importing it. */
export interface KeyFileInfo {
  /** Format version. */
  version: number
  /** The owner public key in the file. */
  publicKey: Uint8Array
  /** Its fingerprint. */
  fingerprint: string
  /** The names the file says its key holds (a hint, to be checked against their records). */
  sites: string[]
}

/** Options of `importOwnerKey`. */
export interface ImportOwnerKeyOptions {
  /**
   * Replace an owner key that still publishes sites, and forget those sites (the new key cannot
   * republish them). Without it, such an import throws `OwnerKeyInUseError`.
   * @default false
   */
  replace?: boolean
}

/** A file as the page gets it: from `<input type=file>`, a drop, or bytes. */
export type KeyFileInput = Blob | ArrayBuffer | Uint8Array

/** Identity area of the storage. */
export interface IdentityStore {
  /** The libp2p peer key of this device, created on first call: pass it to `createLibp2p({ privateKey })`. */
  getOrCreatePeerKey(): Promise<PrivateKey>
  /** The owner key, created on first call. */
  getOrCreateOwnerKey(): Promise<OwnerKey>
  /** The owner key file, encrypted with `passphrase`. Throws `WeakPassphraseError`. */
  exportOwnerKey(passphrase: string, options?: EncryptKeyFileOptions): Promise<Uint8Array>
  /**
   * Makes the key in `file` this device's owner key. Throws `WrongPassphraseError`,
   * `DamagedKeyFileError`, `OwnerKeyInUseError`, `StorageFullError`; on any error nothing changes.
   */
  importOwnerKey(
    file: KeyFileInput,
    passphrase: string,
    options?: ImportOwnerKeyOptions,
  ): Promise<OwnerKey>
  /** Reads a key file's public key without its passphrase. Throws `DamagedKeyFileError`. */
  inspectKeyFile(file: KeyFileInput): Promise<KeyFileInfo>
}
