/**
 * CIDv1 from scratch, as docs/PROTOCOL.md "Conventions" and "Block identifiers" define them:
 * `0x01 || varint(codec) || 0x12 || 0x20 || sha2-256 digest`, shown in multibase base32
 * (RFC 4648 lowercase, no padding, prefix `b`). SHA-256 is Node's own.
 * @module
 */
import { createHash } from 'node:crypto'

/** Multicodec of a file chunk. */
export const RAW = 0x55
/** Multicodec of a manifest. */
export const DAG_CBOR = 0x71

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}

/** Unsigned LEB128, as multiformats varints are. */
export function varint(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return out
}

/** The binary CIDv1 of `data` under `codec`, sha2-256. */
export function cidBytes(codec: number, data: Uint8Array): Uint8Array {
  return Uint8Array.from([0x01, ...varint(codec), 0x12, 0x20, ...sha256(data)])
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** RFC 4648 base32, lowercase, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** The text form of a binary CID: `b` + base32. */
export function cidText(bytes: Uint8Array): string {
  return `b${base32(bytes)}`
}

/** The text CIDv1 of `data` under `codec`. */
export function cidOf(codec: number, data: Uint8Array): string {
  return cidText(cidBytes(codec, data))
}

/** True when `bytes` is a CIDv1 with `codec` and a 32-byte sha2-256 multihash. */
export function isCidV1(bytes: Uint8Array, codec: number): boolean {
  const prefix = [0x01, ...varint(codec), 0x12, 0x20]
  return bytes.length === prefix.length + 32 && prefix.every((b, i) => bytes[i] === b)
}

/** Lowercase hex of `bytes`. */
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Bytes of hex text; throws on anything but pairs of hex digits. */
export function unhex(text: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw new Error(`not hex: ${text.slice(0, 40)}`)
  return new Uint8Array(Buffer.from(text, 'hex'))
}
