/**
 * Strict DAG-CBOR shared by every wire format of the core and the protocols built on it
 * (records, manifests, `/an/route/1.0.0` frames): one encoding per value, nothing else accepted.
 * See docs/PROTOCOL.md, "Conventions".
 * @module
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { equals } from './bytes.ts'

/** A decoded CBOR map, before its fields are checked. */
export type CborMap = Record<string, unknown>

/** What strict decoding gives: the value, or why the bytes are refused. */
export type CanonicalDecoding =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'invalid'; cause: unknown }
  | { ok: false; reason: 'not-canonical' }

/**
 * Decodes DAG-CBOR and refuses every encoding but the canonical one: the bytes must be exactly
 * what re-encoding the decoded value gives (sorted keys, shortest integers, no trailing bytes,
 * 64-bit floats only, no `undefined`). Never throws; callers turn a refusal into their own
 * typed error.
 */
export function decodeCanonicalCbor(bytes: Uint8Array): CanonicalDecoding {
  let value: unknown
  let again: Uint8Array
  try {
    value = dagCbor.decode(bytes)
    again = dagCbor.encode(value)
  } catch (cause) {
    return { ok: false, reason: 'invalid', cause }
  }
  return equals(again, bytes) ? { ok: true, value } : { ok: false, reason: 'not-canonical' }
}

/** True when `value` is a CBOR map (not a list, bytes, CID or null). */
export function isCborMap(value: unknown): value is CborMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    CID.asCID(value) == null &&
    Object.getPrototypeOf(value) === Object.prototype
  )
}
