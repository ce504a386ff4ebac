/**
 * Strict DAG-CBOR decoding and the `{ body, sig }` envelope shared by records and revocations.
 * @module
 */
import * as dagCbor from '@ipld/dag-cbor'
import { decodeCanonicalCbor, isCborMap, type CborMap } from '../cbor.ts'
import { concat, utf8 } from '../bytes.ts'
import { MAX_RECORD_SIZE, SIGNATURE_LENGTH } from './constants.ts'
import { InvalidSignatureError, MalformedRecordError, RecordTooLargeError } from './errors.ts'

export type { CborMap } from '../cbor.ts'

/** An envelope split into the signed body bytes and the signature. */
export interface Envelope {
  /** The whole envelope (a private copy when decoded). */
  bytes?: Uint8Array
  /** The DAG-CBOR body exactly as signed. */
  body: Uint8Array
  /** The 64-byte Ed25519 signature. */
  sig: Uint8Array
}

/** Strict DAG-CBOR decoding (see `decodeCanonicalCbor`), refused as `MalformedRecordError`. */
export function decodeCanonical(bytes: Uint8Array, what: string): unknown {
  const decoded = decodeCanonicalCbor(bytes)
  if (decoded.ok) return decoded.value
  if (decoded.reason === 'invalid') {
    throw new MalformedRecordError(`the ${what} is not valid DAG-CBOR`, { cause: decoded.cause })
  }
  throw new MalformedRecordError(`the ${what} is not canonical DAG-CBOR`)
}

/** True when `value` is a CBOR map (not a list, bytes, CID or null). */
export const isMap = isCborMap

/** Refuses a map holding a key outside `allowed`. */
export function checkKeys(map: CborMap, allowed: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(map)) {
    if (!allowed.has(key)) throw new MalformedRecordError(`unknown field "${key}" in the ${what}`)
  }
}

/**
 * A plain `Uint8Array` view of `bytes`: the encoder hands out Node `Buffer`s in Node, whose
 * `slice` shares memory and whose equality differs from the browser's arrays.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** DAG-CBOR bytes of `value`, leaving out fields whose value is `undefined`. */
export function encodeCbor(value: unknown): Uint8Array {
  return plain(dagCbor.encode(stripUndefined(value)))
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined)
  if (isMap(value)) {
    const out: CborMap = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v)
    return out
  }
  return value
}

/** The bytes a signature covers: the UTF-8 domain tag, one 0x00 byte, then the payload. */
export function domainSeparated(domain: string, payload: Uint8Array): Uint8Array {
  return concat([utf8(domain), new Uint8Array([0]), payload])
}

const ENVELOPE_FIELDS = new Set(['body', 'sig'])

/** DAG-CBOR bytes of the envelope `{ body, sig }`. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return plain(dagCbor.encode({ body: envelope.body, sig: envelope.sig }))
}

/**
 * Splits envelope bytes into body and signature. Throws `RecordTooLargeError` over 10 KiB,
 * `MalformedRecordError` on bad CBOR or fields, `InvalidSignatureError` when `sig` is missing
 * or not 64 bytes.
 */
export function decodeEnvelope(input: Uint8Array, what: string): Required<Envelope> {
  if (!(input instanceof Uint8Array)) throw new MalformedRecordError(`the ${what} is not bytes`)
  if (input.length > MAX_RECORD_SIZE) {
    throw new RecordTooLargeError(
      `the ${what} is ${input.length} bytes, more than ${MAX_RECORD_SIZE}`,
    )
  }
  // A private copy: the decoded fields are views into it, safe from later changes to `input`.
  const bytes = new Uint8Array(input)
  const map = decodeCanonical(bytes, `${what} envelope`)
  if (!isMap(map)) throw new MalformedRecordError(`the ${what} envelope is not a map`)
  checkKeys(map, ENVELOPE_FIELDS, `${what} envelope`)
  if (!(map.body instanceof Uint8Array))
    throw new MalformedRecordError(`the ${what} envelope has no body bytes`)
  if (map.sig === undefined) throw new InvalidSignatureError(`the ${what} is not signed`)
  if (!(map.sig instanceof Uint8Array) || map.sig.length !== SIGNATURE_LENGTH) {
    throw new InvalidSignatureError(`the ${what} signature is not ${SIGNATURE_LENGTH} bytes`)
  }
  return { body: map.body, sig: map.sig, bytes }
}
