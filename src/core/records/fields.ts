/**
 * Checks for single CBOR values: unsigned integers, fixed-length byte strings, strings, CIDs.
 * Each throws `MalformedRecordError` naming the field.
 * @module
 */
import { CID } from 'multiformats/cid'
import { CID_HASH_CODE, KEY_LENGTH, MAX_SAFE_UINT, SIGNATURE_LENGTH } from './constants.ts'
import { MalformedRecordError } from './errors.ts'

/** An unsigned integer no larger than 2^53 - 1. */
export function uint(value: unknown, field: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    value > MAX_SAFE_UINT
  ) {
    throw new MalformedRecordError(`${field} must be an unsigned integer below 2^53`)
  }
  return value
}

/** A byte string of exactly `length` bytes. */
export function fixedBytes(value: unknown, length: number, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new MalformedRecordError(`${field} must be ${length} bytes`)
  }
  return value
}

/** A 32-byte Ed25519 public key. */
export function publicKey(value: unknown, field: string): Uint8Array {
  return fixedBytes(value, KEY_LENGTH, field)
}

/** A 64-byte Ed25519 signature. */
export function signature(value: unknown, field: string): Uint8Array {
  return fixedBytes(value, SIGNATURE_LENGTH, field)
}

/** A text string. */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new MalformedRecordError(`${field} must be a string`)
  return value
}

/** A list. */
export function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new MalformedRecordError(`${field} must be a list`)
  return value
}

/** A CIDv1 (CBOR tag 42) with one of `codecs` and a 32-byte sha2-256 multihash. */
export function cidV1(value: unknown, codecs: readonly number[], field: string): CID {
  const cid = CID.asCID(value)
  if (
    cid == null ||
    cid.version !== 1 ||
    !codecs.includes(cid.code) ||
    cid.multihash.code !== CID_HASH_CODE ||
    cid.multihash.size !== 32
  ) {
    throw new MalformedRecordError(
      `${field} must be a CIDv1 (codec ${codecs.map((c) => `0x${c.toString(16)}`).join(' or ')}, sha2-256)`,
    )
  }
  return cid
}
