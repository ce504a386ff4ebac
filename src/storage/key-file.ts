/**
 * The owner key file: an Ed25519 owner key encrypted with a passphrase, so a person can move
 * the key that holds their names to another device. The key never leaves the device otherwise.
 *
 * ## Format, version 1
 *
 * A UTF-8 JSON object (media type `application/json`, at most `MAX_KEY_FILE_SIZE` bytes).
 * Binary fields are base64url without padding (RFC 4648 §5):
 *
 * ```json
 * {
 *   "type": "alternet-owner-key",
 *   "version": 1,
 *   "publicKey": "<32-byte Ed25519 public key>",
 *   "kdf": { "name": "PBKDF2", "hash": "SHA-256", "iterations": 600000, "salt": "<16 random bytes>" },
 *   "cipher": { "name": "AES-GCM", "iv": "<12 random bytes>" },
 *   "ciphertext": "<48 bytes: AES-256-GCM of the 32-byte seed, then the 16-byte tag>",
 *   "checksum": "<32 bytes: SHA-256 of C>"
 * }
 * ```
 *
 * - Header `H` is the JSON array `["alternet-owner-key", 1, publicKey, "PBKDF2", "SHA-256",
 *   iterations, salt, "AES-GCM", iv]` serialised by `JSON.stringify` (no spaces; strings exactly
 *   as they appear in the file). `C` is the same array with `ciphertext` appended.
 * - Key: PBKDF2-HMAC-SHA-256 of the passphrase (Unicode NFC, UTF-8) with `salt` and
 *   `iterations`, 256 bits, used as an AES-256-GCM key. Writers use `KDF_ITERATIONS`;
 *   readers accept `MIN_KDF_ITERATIONS`..`MAX_KDF_ITERATIONS`, so the count can be raised
 *   later without breaking old files.
 * - Encryption: AES-256-GCM with `iv`, additional data the UTF-8 bytes of `H`, plaintext the
 *   32-byte Ed25519 seed (RFC 8032 private key).
 * - `checksum` is not a secret and proves nothing about who wrote the file: it tells a damaged
 *   file (`DamagedKeyFileError`) from a wrong passphrase (`WrongPassphraseError`), which
 *   AES-GCM alone cannot. Authenticity comes from the GCM tag and from checking that the
 *   decrypted seed derives `publicKey`.
 * - Optional `"sites": ["alice:blog", …]`: names the key held when the file was written, so a
 *   device importing it finds them (at most `MAX_KEY_FILE_SITES`, as many as fit in
 *   `MAX_KEY_FILE_SIZE`). A hint only, outside the checksum and the encryption: the importing
 *   device keeps a name only once the network's signed record for it names this key as its
 *   holder. Readers drop entries that are not site names.
 * - Readers refuse another `type` or `version`, missing or mis-sized fields, and unknown
 *   `kdf`/`cipher` names. Fields not listed here are ignored.
 * @module
 */
import { base64url } from 'multiformats/bases/base64'
import { equals, fromUtf8, utf8 } from '../core/bytes.ts'
import {
  keyPairFromSeed,
  PUBLIC_KEY_LENGTH,
  SEED_LENGTH,
  type Ed25519KeyPair,
} from '../core/crypto/ed25519.ts'
import { sha256Digest } from '../core/crypto/sha256.ts'
import { parseSiteName } from '../core/names/index.ts'
import { DamagedKeyFileError, WeakPassphraseError, WrongPassphraseError } from './errors.ts'

/** The `type` field of an owner key file. */
export const KEY_FILE_TYPE = 'alternet-owner-key'
/** The `version` field this code writes and reads. */
export const KEY_FILE_VERSION = 1
/** Media type of a key file (it is JSON). */
export const KEY_FILE_MEDIA_TYPE = 'application/json'
/** Largest key file read, in bytes: a real one is about 400. */
export const MAX_KEY_FILE_SIZE = 4096
/** Most names a key file lists in its `sites` hint. */
export const MAX_KEY_FILE_SITES = 24
/** PBKDF2-SHA-256 iterations written into new files (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
export const KDF_ITERATIONS = 600_000
/** Fewest iterations a file may declare. */
export const MIN_KDF_ITERATIONS = 100_000
/** Most iterations a file may declare: bounds the time a hostile file can make the import spend. */
export const MAX_KDF_ITERATIONS = 10_000_000
/** Length of the random PBKDF2 salt, in bytes. */
export const SALT_LENGTH = 16
/** Length of the random AES-GCM nonce, in bytes. */
export const IV_LENGTH = 12
/** Length of the AES-GCM tag appended to the ciphertext, in bytes. */
export const TAG_LENGTH = 16
/** Fewest characters (Unicode code points) a passphrase for a new key file may have. */
export const MIN_PASSPHRASE_LENGTH = 12

const KDF_NAME = 'PBKDF2'
const KDF_HASH = 'SHA-256'
const CIPHER_NAME = 'AES-GCM'
const CHECKSUM_LENGTH = 32

/** What a key file says about itself before it is decrypted. */
export interface KeyFileHeader {
  /** Format version. */
  version: number
  /** The owner public key the file holds. */
  publicKey: Uint8Array
  /** PBKDF2 iterations. */
  iterations: number
  /** The names the file says its key holds (a hint: check each against its signed record). */
  sites: string[]
}

interface ParsedKeyFile extends KeyFileHeader {
  salt: Uint8Array
  iv: Uint8Array
  ciphertext: Uint8Array
  /** UTF-8 bytes of `H`: the AES-GCM additional data. */
  header: Uint8Array
}

/** Refuses a passphrase too weak to protect a key file. Throws `WeakPassphraseError`. */
export function checkPassphrase(passphrase: string): void {
  const chars = [...passphrase.normalize('NFC')]
  if (chars.length === 0 || passphrase.trim() === '') {
    throw new WeakPassphraseError(
      'Choose a passphrase: the key file cannot be protected without one.',
    )
  }
  if (chars.length < MIN_PASSPHRASE_LENGTH) {
    throw new WeakPassphraseError(
      `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters; a few words make a good one.`,
    )
  }
  if (new Set(chars).size === 1) {
    throw new WeakPassphraseError('Choose a passphrase that is not one character repeated.')
  }
}

async function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
  usage: KeyUsage,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    utf8(passphrase.normalize('NFC')) as BufferSource,
    KDF_NAME,
    false,
    ['deriveKey'],
  )
  return crypto.subtle.deriveKey(
    { name: KDF_NAME, hash: KDF_HASH, salt: salt as BufferSource, iterations },
    material,
    { name: CIPHER_NAME, length: 256 },
    false,
    [usage],
  )
}

function headerArray(publicKey: string, iterations: number, salt: string, iv: string): unknown[] {
  return [
    KEY_FILE_TYPE,
    KEY_FILE_VERSION,
    publicKey,
    KDF_NAME,
    KDF_HASH,
    iterations,
    salt,
    CIPHER_NAME,
    iv,
  ]
}

async function checksumOf(header: unknown[], ciphertext: string): Promise<Uint8Array> {
  return sha256Digest(utf8(JSON.stringify([...header, ciphertext])))
}

/** Options of `encryptKeyFile`. */
export interface EncryptKeyFileOptions {
  /** PBKDF2 iterations. @default KDF_ITERATIONS */
  iterations?: number
  /** Names the key holds, written as the file's `sites` hint (those that fit). @default [] */
  sites?: readonly string[]
}

/**
 * The key file of `keyPair` under `passphrase`. Throws `WeakPassphraseError`.
 * Internal to storage: callers use `identity.exportOwnerKey`.
 */
export async function encryptKeyFile(
  keyPair: Ed25519KeyPair,
  passphrase: string,
  options: EncryptKeyFileOptions = {},
): Promise<Uint8Array> {
  checkPassphrase(passphrase)
  const iterations = options.iterations ?? KDF_ITERATIONS
  if (
    !Number.isSafeInteger(iterations) ||
    iterations < MIN_KDF_ITERATIONS ||
    iterations > MAX_KDF_ITERATIONS
  ) {
    throw new RangeError(
      `iterations must be between ${MIN_KDF_ITERATIONS} and ${MAX_KDF_ITERATIONS}`,
    )
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_LENGTH))
  const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH))
  const publicKey = base64url.baseEncode(keyPair.publicKey)
  const header = headerArray(
    publicKey,
    iterations,
    base64url.baseEncode(salt),
    base64url.baseEncode(iv),
  )
  const key = await deriveKey(passphrase, salt, iterations, 'encrypt')
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      {
        name: CIPHER_NAME,
        iv: iv as BufferSource,
        additionalData: utf8(JSON.stringify(header)) as BufferSource,
        tagLength: TAG_LENGTH * 8,
      },
      key,
      keyPair.seed as BufferSource,
    ),
  )
  const ciphertext = base64url.baseEncode(sealed)
  const file = {
    type: KEY_FILE_TYPE,
    version: KEY_FILE_VERSION,
    publicKey,
    kdf: { name: KDF_NAME, hash: KDF_HASH, iterations, salt: header[6] },
    cipher: { name: CIPHER_NAME, iv: header[8] },
    ciphertext,
    checksum: base64url.baseEncode(await checksumOf(header, ciphertext)),
  }
  const sites: string[] = []
  for (const site of (options.sites ?? []).slice(0, MAX_KEY_FILE_SITES)) {
    const longer = utf8(JSON.stringify({ ...file, sites: [...sites, site] }, null, 2) + '\n')
    if (longer.length > MAX_KEY_FILE_SIZE) break
    sites.push(site)
  }
  return utf8(JSON.stringify(sites.length > 0 ? { ...file, sites } : file, null, 2) + '\n')
}

function damaged(message: string): never {
  throw new DamagedKeyFileError('malformed', `This key file is damaged: ${message}.`)
}

function field(value: unknown, name: string): string {
  if (typeof value !== 'string') damaged(`${name} is missing`)
  return value
}

function binary(value: unknown, name: string, length: number): [string, Uint8Array] {
  const text = field(value, name)
  let bytes: Uint8Array
  try {
    bytes = base64url.baseDecode(text)
  } catch {
    damaged(`${name} is not base64url`)
  }
  if (bytes.length !== length) damaged(`${name} has ${bytes.length} bytes instead of ${length}`)
  return [text, bytes]
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    damaged(`${name} is missing`)
  return value as Record<string, unknown>
}

async function parseKeyFile(file: Uint8Array): Promise<ParsedKeyFile> {
  if (file.length > MAX_KEY_FILE_SIZE) {
    throw new DamagedKeyFileError(
      'too-large',
      'This file is far larger than an Alternet key file: it is not one.',
    )
  }
  let json: unknown
  try {
    json = JSON.parse(fromUtf8(file))
  } catch {
    throw new DamagedKeyFileError(
      'not-a-key-file',
      'This file is not an Alternet key file (or it was cut short).',
    )
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { type?: unknown }).type !== KEY_FILE_TYPE
  ) {
    throw new DamagedKeyFileError('not-a-key-file', 'This file is not an Alternet key file.')
  }
  const top = json as Record<string, unknown>
  if (top.version !== KEY_FILE_VERSION) {
    throw new DamagedKeyFileError(
      'unsupported-version',
      `This key file has format version ${String(top.version)}; this version of Alternet reads version ${KEY_FILE_VERSION}. Update Alternet and try again.`,
    )
  }
  const kdf = object(top.kdf, 'kdf')
  const cipher = object(top.cipher, 'cipher')
  if (kdf.name !== KDF_NAME || kdf.hash !== KDF_HASH)
    damaged('its key derivation is not PBKDF2-SHA-256')
  if (cipher.name !== CIPHER_NAME) damaged('its cipher is not AES-GCM')
  const iterations = kdf.iterations
  if (
    typeof iterations !== 'number' ||
    !Number.isSafeInteger(iterations) ||
    iterations < MIN_KDF_ITERATIONS ||
    iterations > MAX_KDF_ITERATIONS
  ) {
    damaged('its iteration count is out of range')
  }
  const [publicKeyText, publicKey] = binary(top.publicKey, 'publicKey', PUBLIC_KEY_LENGTH)
  const [saltText, salt] = binary(kdf.salt, 'salt', SALT_LENGTH)
  const [ivText, iv] = binary(cipher.iv, 'iv', IV_LENGTH)
  const [ciphertextText, ciphertext] = binary(
    top.ciphertext,
    'ciphertext',
    SEED_LENGTH + TAG_LENGTH,
  )
  const [, checksum] = binary(top.checksum, 'checksum', CHECKSUM_LENGTH)
  const header = headerArray(publicKeyText, iterations, saltText, ivText)
  if (!equals(checksum, await checksumOf(header, ciphertextText))) {
    throw new DamagedKeyFileError(
      'checksum-mismatch',
      'This key file was altered or damaged after it was saved; it cannot be opened.',
    )
  }
  return {
    version: KEY_FILE_VERSION,
    publicKey,
    iterations,
    sites: sitesHint(top.sites),
    salt,
    iv,
    ciphertext,
    header: utf8(JSON.stringify(header)),
  }
}

/** The file's `sites` hint: its site names, each once; anything else is dropped. */
function sitesHint(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  const sites = new Set<string>()
  for (const entry of value.slice(0, MAX_KEY_FILE_SITES)) {
    if (typeof entry !== 'string') continue
    try {
      sites.add(parseSiteName(entry).site)
    } catch {
      // not a site name: a hint is never an error
    }
  }
  return [...sites]
}

/** Reads what a key file says about itself without its passphrase. Throws `DamagedKeyFileError`. */
export async function readKeyFileHeader(file: Uint8Array): Promise<KeyFileHeader> {
  const { version, publicKey, iterations, sites } = await parseKeyFile(file)
  return { version, publicKey, iterations, sites }
}

/**
 * The key pair inside a key file. Throws `DamagedKeyFileError`, or `WrongPassphraseError`.
 * Internal to storage: callers use `identity.importOwnerKey`, which never hands out the seed.
 */
export async function decryptKeyFile(
  file: Uint8Array,
  passphrase: string,
): Promise<Ed25519KeyPair> {
  const parsed = await parseKeyFile(file)
  if (passphrase.length === 0)
    throw new WrongPassphraseError('Enter the passphrase this key file was saved with.')
  const key = await deriveKey(passphrase, parsed.salt, parsed.iterations, 'decrypt')
  let seed: Uint8Array
  try {
    seed = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: CIPHER_NAME,
          iv: parsed.iv as BufferSource,
          additionalData: parsed.header as BufferSource,
          tagLength: TAG_LENGTH * 8,
        },
        key,
        parsed.ciphertext as BufferSource,
      ),
    )
  } catch {
    throw new WrongPassphraseError('That passphrase does not open this key file.')
  }
  const keyPair = keyPairFromSeed(seed)
  seed.fill(0)
  if (!equals(keyPair.publicKey, parsed.publicKey)) {
    throw new DamagedKeyFileError(
      'key-mismatch',
      'This key file is inconsistent: the key inside is not the one it names.',
    )
  }
  return keyPair
}
