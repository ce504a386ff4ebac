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
import { concat, fromHex, toHex } from '../bytes.ts'

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
const SMALL_ORDER = new Set(
  [
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
  ],
)

/** An Ed25519 key pair as raw bytes. */
export interface Ed25519KeyPair {
  /** 32-byte private seed. Never leaves the device unencrypted. */
  seed: Uint8Array
  /** 32-byte public key. */
  publicKey: Uint8Array
}

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

/** Whether this runtime's WebCrypto has Ed25519 (probed once). */
export function hasWebCryptoEd25519(): Promise<boolean> {
  webCryptoEd25519 ??= (async () => {
    if (subtle == null) return false
    try {
      const key = await subtle.importKey('raw', ed25519.getPublicKey(new Uint8Array(32)) as BufferSource, { name: 'Ed25519' }, false, ['verify'])
      return key.type === 'public'
    } catch {
      return false
    }
  })()
  return webCryptoEd25519
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
  if (await hasWebCryptoEd25519()) {
    const key = await subtle!.importKey('pkcs8', concat([PKCS8_PREFIX, seed]) as BufferSource, { name: 'Ed25519' }, false, ['sign'])
    return new Uint8Array(await subtle!.sign({ name: 'Ed25519' }, key, message as BufferSource))
  }
  return ed25519.sign(message, seed)
}

/**
 * Whether `signature` is a valid signature of `message` by `publicKey`, under the strict rules
 * above. Never throws: malformed input is simply not valid.
 */
export async function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false
  if (!canonicalPoint(publicKey) || !canonicalPoint(signature.subarray(0, 32))) return false
  if (!lessThanLE(signature.subarray(32), L)) return false
  if (SMALL_ORDER.has(toHex(publicKey))) return false
  try {
    if (await hasWebCryptoEd25519()) {
      const key = await subtle!.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify'])
      return await subtle!.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource)
    }
    return ed25519.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}
