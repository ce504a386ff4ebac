/**
 * Ed25519 signing and verification for records.
 *
 * Verification is RFC 8032 with three extra refusals that make every conforming backend agree
 * (see docs/PROTOCOL.md, "Signatures"): a non-canonical `S` (S ≥ L), a non-canonical point
 * encoding of `A` or `R` (y ≥ p), and a small-order public key. WebCrypto's Ed25519 is used
 * where the runtime has it (Node ≥ 22, Chromium ≥ 137, Firefox ≥ 129); @noble/curves otherwise.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { concat, equals, fromHex, toHex } from '../bytes.ts'

/** Length of an Ed25519 public key, private seed and signature, in bytes. */
export const PUBLIC_KEY_LENGTH = 32
/** Length of an Ed25519 private key seed in bytes. */
export const SEED_LENGTH = 32
/** Length of an Ed25519 signature in bytes. */
export const SIGNATURE_LENGTH = 64

/** PKCS#8 wrapper for a raw 32-byte Ed25519 seed (RFC 8410). */
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')

/** The group order L, little-endian. */
const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
/** The field prime p = 2^255 - 19, little-endian (high bit of the last byte is the sign of x). */
const P = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')

/** Encodings of the eight small-order points (and their non-canonical twins), refused as keys. */
const SMALL_ORDER = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
])

/** A little-endian byte string as a bigint. */
function numberLE(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i])
  return n
}

/**
 * The cofactorless RFC 8032 check `[S]B - [k]A == R`, comparing encodings, as WebCrypto's
 * backends (BoringSSL, OpenSSL) do. @noble/curves' own `verify` uses the cofactored equation,
 * which accepts a few deliberately built mixed-order signatures that WebCrypto refuses; doing
 * the arithmetic here keeps every runtime's answer the same.
 */
function verifyCofactorless(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const { Point } = ed25519
  const order = Point.Fn.ORDER
  const A = Point.fromBytes(publicKey, false)
  const encodedR = signature.subarray(0, 32)
  const s = numberLE(signature.subarray(32))
  const k = numberLE(sha512(concat([encodedR, publicKey, message]))) % order
  const check = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k))
  return equals(check.toBytes(), encodedR)
}

/** An Ed25519 key pair as raw bytes. */
export interface Ed25519KeyPair {
  /** 32-byte private seed. Never leaves the device unencrypted. */
  seed: Uint8Array
  /** 32-byte public key. */
  publicKey: Uint8Array
}

/**
 * An Ed25519 private key held by WebCrypto, with its public key: where the private key was
 * imported non-extractable, no script can read its bytes, only sign with it.
 */
export interface Ed25519CryptoKeyPair {
  /** WebCrypto Ed25519 private key with usage `sign`. */
  privateKey: CryptoKey
  /** 32-byte public key. */
  publicKey: Uint8Array
}

/** A key pair that can sign: raw seed bytes or a WebCrypto private key. */
export type Ed25519SigningKeyPair = Ed25519KeyPair | Ed25519CryptoKeyPair

/** True when little-endian `a` < little-endian `b` (equal lengths). */
function lessThanLE(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = a.length - 1; i >= 0; i--) {
    if (a[i] !== b[i]) return a[i] < b[i]
  }
  return false
}

/** True when a point encoding has y < p (the sign bit masked off). */
function canonicalPoint(bytes: Uint8Array): boolean {
  const y = bytes.slice()
  y[31] &= 0x7f
  return lessThanLE(y, P)
}

type Subtle = SubtleCrypto | undefined
const subtle: Subtle = globalThis.crypto?.subtle

let webCryptoEd25519: Promise<boolean> | undefined
/** The probe's answer once it has settled, so the hot paths need not await it again. */
let webCryptoEd25519Known: boolean | undefined

/** Whether this runtime's WebCrypto has Ed25519 (probed once). */
export function hasWebCryptoEd25519(): Promise<boolean> {
  webCryptoEd25519 ??= (async () => {
    if (subtle == null) return false
    try {
      const key = await subtle.importKey(
        'raw',
        ed25519.getPublicKey(new Uint8Array(32)) as BufferSource,
        { name: 'Ed25519' },
        false,
        ['verify'],
      )
      return key.type === 'public'
    } catch {
      return false
    }
  })().then((has) => (webCryptoEd25519Known = has))
  return webCryptoEd25519
}

/**
 * Imported signing keys, by the seed array they were imported from. Each entry keeps a copy of
 * the seed it was made from, and is used only while the array still holds exactly those bytes,
 * so a seed changed in place is imported afresh rather than signed for with its old key.
 */
const signingKeys = new WeakMap<Uint8Array, { seed: Uint8Array; key: Promise<CryptoKey> }>()

function signingKey(seed: Uint8Array): Promise<CryptoKey> {
  const cached = signingKeys.get(seed)
  if (cached !== undefined && sameBytes(cached.seed, seed)) return cached.key
  const copy = seed.slice()
  const key = subtle!.importKey(
    'pkcs8',
    concat([PKCS8_PREFIX, copy]) as BufferSource,
    { name: 'Ed25519' },
    false,
    ['sign'],
  )
  const entry = { seed: copy, key }
  signingKeys.set(seed, entry)
  // A failed import is not remembered: the next call tries again (and fails the same way).
  key.catch(() => {
    if (signingKeys.get(seed) === entry) signingKeys.delete(seed)
  })
  return key
}

/** Most imported verification keys kept, least recently used dropped first. */
const VERIFY_KEY_CACHE_SIZE = 256
/** Imported verification keys by the hex of the exact 32 public-key bytes they were imported from. */
const verifyingKeys = new Map<string, Promise<CryptoKey>>()

function verifyingKey(publicKey: Uint8Array, hex: string): Promise<CryptoKey> {
  const cached = verifyingKeys.get(hex)
  if (cached !== undefined) {
    // Most recently used goes last.
    verifyingKeys.delete(hex)
    verifyingKeys.set(hex, cached)
    return cached
  }
  const key = subtle!.importKey(
    'raw',
    publicKey.slice() as BufferSource,
    { name: 'Ed25519' },
    false,
    ['verify'],
  )
  verifyingKeys.set(hex, key)
  if (verifyingKeys.size > VERIFY_KEY_CACHE_SIZE)
    verifyingKeys.delete(verifyingKeys.keys().next().value!)
  key.catch(() => {
    if (verifyingKeys.get(hex) === key) verifyingKeys.delete(hex)
  })
  return key
}

/** Byte equality of two arrays (lengths included). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/** A new random key pair. */
export function generateKeyPair(): Ed25519KeyPair {
  const seed = ed25519.utils.randomSecretKey()
  return { seed, publicKey: ed25519.getPublicKey(seed) }
}

/** The key pair of a 32-byte seed. */
export function keyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== SEED_LENGTH) throw new TypeError('an Ed25519 seed is 32 bytes')
  return { seed: seed.slice(), publicKey: ed25519.getPublicKey(seed) }
}

/** Signs `message` with `seed` (deterministic, RFC 8032). */
export async function sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  if (webCryptoEd25519Known ?? (await hasWebCryptoEd25519())) {
    const key = await signingKey(seed)
    return new Uint8Array(await subtle!.sign({ name: 'Ed25519' }, key, message as BufferSource))
  }
  return ed25519.sign(message, seed)
}

/**
 * Whether this runtime can hold an Ed25519 signing key non-extractable (WebCrypto Ed25519 with
 * PKCS#8 import).
 */
export const canHoldSigningKey = hasWebCryptoEd25519

/**
 * A non-extractable WebCrypto signing key for `seed`. Throws where WebCrypto has no Ed25519
 * (check `canHoldSigningKey` first). The caller should wipe its copy of `seed` afterwards.
 */
export async function importSigningKey(seed: Uint8Array): Promise<CryptoKey> {
  if (seed.length !== SEED_LENGTH) throw new TypeError('an Ed25519 seed is 32 bytes')
  const pkcs8 = concat([PKCS8_PREFIX, seed])
  try {
    return await subtle!.importKey('pkcs8', pkcs8 as BufferSource, { name: 'Ed25519' }, false, [
      'sign',
    ])
  } finally {
    pkcs8.fill(0)
  }
}

/** Signs `message` with either kind of key pair (deterministic, RFC 8032). */
export async function signWith(
  keyPair: Ed25519SigningKeyPair,
  message: Uint8Array,
): Promise<Uint8Array> {
  if ('privateKey' in keyPair)
    return new Uint8Array(
      await subtle!.sign({ name: 'Ed25519' }, keyPair.privateKey, message as BufferSource),
    )
  return sign(keyPair.seed, message)
}

/** The refusals every backend applies before the curve equation (see the module doc). */
function passesStrictChecks(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false
  if (!canonicalPoint(publicKey) || !canonicalPoint(signature.subarray(0, 32))) return false
  if (!lessThanLE(signature.subarray(32), L)) return false
  return !SMALL_ORDER.has(toHex(publicKey))
}

/**
 * Whether `signature` is a valid signature of `message` by `publicKey`, under the strict rules
 * above. Never throws: malformed input is simply not valid.
 */
export async function verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (!passesStrictChecks(publicKey, signature)) return false
  try {
    if (webCryptoEd25519Known ?? (await hasWebCryptoEd25519())) {
      const key = await verifyingKey(publicKey, toHex(publicKey))
      return await subtle!.verify(
        { name: 'Ed25519' },
        key,
        signature as BufferSource,
        message as BufferSource,
      )
    }
    return verifyCofactorless(publicKey, message, signature)
  } catch {
    return false
  }
}

/**
 * The same answer as `verify`, computed synchronously in JavaScript (no WebCrypto): for
 * runtimes without WebCrypto Ed25519 and for checking that both paths agree. Slower.
 */
export function verifySync(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!passesStrictChecks(publicKey, signature)) return false
  try {
    return verifyCofactorless(publicKey, message, signature)
  } catch {
    return false
  }
}
