/**
 * Ed25519 verification as docs/PROTOCOL.md "Verification of signatures" specifies it: Node's
 * own `crypto.verify` (RFC 8032, OpenSSL) for the equation, and the spec's extra refusals
 * written here from their definitions: exact lengths, `S < L`, canonical `A` and `R`, and no
 * small-order public key (found by computing `[8]A` on the curve, not from a list).
 * @module
 */
import { createPublicKey, verify } from 'node:crypto'

const P = 2n ** 255n - 19n
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const D = (-121665n * inverse(121666n)) % P

function mod(a: bigint): bigint {
  const r = a % P
  return r < 0n ? r + P : r
}

function power(base: bigint, exp: bigint): bigint {
  let result = 1n
  base = mod(base)
  while (exp > 0n) {
    if (exp & 1n) result = mod(result * base)
    base = mod(base * base)
    exp >>= 1n
  }
  return result
}

function inverse(a: bigint): bigint {
  return power(a, P - 2n)
}

/** Little-endian integer of `bytes`. */
function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i])
  return n
}

/** The y coordinate of an encoded point, top bit masked off. */
const yOf = (point: Uint8Array): bigint => littleEndian(point) & ((1n << 255n) - 1n)

type Point = [x: bigint, y: bigint]

/** RFC 8032 section 5.1.3; null when `encoding` is not a point of the curve. */
function decompress(encoding: Uint8Array): Point | null {
  const y = yOf(encoding)
  if (y >= P) return null
  const sign = encoding[31] >> 7
  const u = mod(y * y - 1n)
  const v = mod(D * y * y + 1n)
  let x = mod(u * power(v, 3n) * power(u * power(v, 7n), (P - 5n) / 8n))
  if (mod(v * x * x) !== u) {
    if (mod(v * x * x) !== mod(-u)) return null
    x = mod(x * power(2n, (P - 1n) / 4n))
  }
  if (x === 0n && sign === 1) return null
  if (Number(x & 1n) !== sign) x = mod(-x)
  return [x, y]
}

/** Twisted Edwards addition (a = −1), affine. */
function add([x1, y1]: Point, [x2, y2]: Point): Point {
  const t = mod(D * x1 * x2 * y1 * y2)
  return [
    mod((x1 * y2 + y1 * x2) * inverse(1n + t)),
    mod((y1 * y2 + x1 * x2) * inverse(mod(1n - t))),
  ]
}

/** True when `[8]A` is the identity: `A` has small order. */
function hasSmallOrder(point: Point): boolean {
  let p = point
  for (let i = 0; i < 3; i++) p = add(p, p)
  return p[0] === 0n && p[1] === 1n
}

/** Keys already checked: the curve arithmetic is slow in BigInt and the vectors reuse keys. */
const usable = new Map<string, boolean>()

/** A point of the curve that does not have small order. */
function isUsableKey(publicKey: Uint8Array): boolean {
  const key = Buffer.from(publicKey).toString('hex')
  let ok = usable.get(key)
  if (ok === undefined) {
    const point = decompress(publicKey)
    ok = point !== null && !hasSmallOrder(point)
    usable.set(key, ok)
  }
  return ok
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the raw 32-byte key. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`, strictly. */
export function verifyStrict(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  if (littleEndian(signature.subarray(32)) >= L) return false
  if (yOf(publicKey) >= P || yOf(signature.subarray(0, 32)) >= P) return false
  if (!isUsableKey(publicKey)) return false
  try {
    const key = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    })
    return verify(null, message, key, signature)
  } catch {
    return false
  }
}
