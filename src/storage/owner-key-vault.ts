/**
 * How the owner key is kept (docs/ORIGINS.md, "The owner key"). Where the browser has WebCrypto
 * Ed25519, the seed is never stored in the clear: the record holds a non-extractable Ed25519
 * signing key, and an export copy of the seed encrypted (AES-256-GCM) under a non-extractable
 * AES key, which only the export to a passphrase-encrypted key file opens. No script can read
 * either key's bytes; a script running on the app's origin can still sign with the first, and
 * open the export copy with the second, while it runs; the app's CSP and Trusted Types are the
 * guard against such a script. Browsers without WebCrypto Ed25519 keep the raw seed.
 * @module
 */
import { concat } from '../core/bytes.ts'
import {
  canHoldSigningKey,
  importSigningKey,
  type Ed25519SigningKeyPair,
} from '../core/crypto/ed25519.ts'

/** AES-GCM IV length of the export copy, in bytes. */
const EXPORT_COPY_IV_BYTES = 12

/** The owner key as stored in the identity store. */
export interface StoredOwnerKey {
  /** 32-byte Ed25519 public key. */
  publicKey: Uint8Array
  /** When the key was created (or imported here), ms since the epoch. */
  createdAt: number
  /** Non-extractable WebCrypto Ed25519 private key: signs. */
  signingKey?: CryptoKey
  /** Non-extractable AES-256-GCM key that opens `exportCopy`. */
  exportKey?: CryptoKey
  /** The seed, AES-256-GCM under `exportKey` with the public key as associated data: IV, then ciphertext and tag. */
  exportCopy?: Uint8Array
  /** The raw 32-byte seed: only where the browser has no WebCrypto Ed25519 (and in stores not yet migrated). */
  seed?: Uint8Array
}

/**
 * The stored form of the key with `seed`: sealed in non-extractable keys where the browser can,
 * else the raw seed. The caller wipes its `seed` afterwards.
 */
export async function sealOwnerKey(
  seed: Uint8Array,
  publicKey: Uint8Array,
  createdAt: number,
): Promise<StoredOwnerKey> {
  if (!(await canHoldSigningKey())) return { seed: seed.slice(), publicKey, createdAt }
  const signingKey = await importSigningKey(seed)
  const exportKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ])
  const iv = crypto.getRandomValues(new Uint8Array(EXPORT_COPY_IV_BYTES))
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: publicKey as BufferSource },
      exportKey,
      seed as BufferSource,
    ),
  )
  return { publicKey, createdAt, signingKey, exportKey, exportCopy: concat([iv, ciphertext]) }
}

/** Whether `stored` still holds a raw seed that this browser could seal. */
export async function needsSealing(stored: StoredOwnerKey): Promise<boolean> {
  return stored.seed !== undefined && (await canHoldSigningKey())
}

/** The key pair that signs for `stored`. */
export function signerOf(stored: StoredOwnerKey): Ed25519SigningKeyPair {
  if (stored.signingKey !== undefined)
    return { privateKey: stored.signingKey, publicKey: stored.publicKey }
  return { seed: stored.seed!, publicKey: stored.publicKey }
}

/** The seed of `stored`, for the passphrase-encrypted key file only; the caller wipes it. */
export async function openExportCopy(stored: StoredOwnerKey): Promise<Uint8Array> {
  if (stored.seed !== undefined) return stored.seed.slice()
  const copy = stored.exportCopy!
  return new Uint8Array(
    await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: copy.subarray(0, EXPORT_COPY_IV_BYTES) as BufferSource,
        additionalData: stored.publicKey as BufferSource,
      },
      stored.exportKey!,
      copy.subarray(EXPORT_COPY_IV_BYTES) as BufferSource,
    ),
  )
}
