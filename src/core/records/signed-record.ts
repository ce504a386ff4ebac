/**
 * Signed records: create (sign), encode and decode the `{ body, sig }` envelope.
 * @module
 */
import { signWith } from '../crypto/ed25519.ts'
import type { Ed25519SigningKeyPair } from '../crypto/ed25519.ts'
import { isSubdomain as nameIsSubdomain } from '../names/index.ts'
import {
  decodeCanonical,
  decodeEnvelope,
  domainSeparated,
  encodeCbor,
  encodeEnvelope,
} from './codec.ts'
import {
  DEFAULT_RECORD_LIFETIME_MS,
  DEFAULT_TTL_SECONDS,
  MAX_RECORD_SIZE,
  RECORD_SIGNING_DOMAIN,
  RECORD_VERSION,
} from './constants.ts'
import { RecordTooLargeError } from './errors.ts'
import { holderOf, parseRecordBody } from './record-body.ts'
import type { RecordBody } from './record-body.ts'

/** A decoded record with the exact bytes it came from. */
export interface SignedRecord {
  /** The checked body fields. */
  body: RecordBody
  /** The DAG-CBOR body exactly as signed. */
  bodyBytes: Uint8Array
  /** The owner's 64-byte Ed25519 signature. */
  sig: Uint8Array
  /** The whole envelope as stored in the DHT. */
  bytes: Uint8Array
  /** The key that holds the name (`owner`, or `root.owner` for a subdomain). */
  holder: Uint8Array
}

/** What `createRecord` needs; `v` and `owner` come from the call, the rest have defaults. */
export interface RecordFields extends Omit<
  RecordBody,
  'v' | 'owner' | 'created' | 'expires' | 'ttl'
> {
  /** @default Date.now() */
  created?: number
  /** @default created + DEFAULT_RECORD_LIFETIME_MS (48 h) */
  expires?: number
  /** @default DEFAULT_TTL_SECONDS (300) */
  ttl?: number
}

/** The bytes a record signature covers: `an-record-v1`, 0x00, the body bytes. */
export function recordSigningBytes(bodyBytes: Uint8Array): Uint8Array {
  return domainSeparated(RECORD_SIGNING_DOMAIN, bodyBytes)
}

/**
 * Builds, checks and signs a record with `keyPair`, whose public key becomes `owner`. For a
 * subdomain without `root`, the signer is taken to be the root key (`root.owner`). Throws the
 * same errors as `decodeRecord` for fields that break the format.
 *
 * @example
 * ```ts
 * const record = await createRecord({ type: 'root', name: 'mysite:code', seq: 1, content: cid }, keyPair)
 * await kadDht.put(await dhtKey('mysite:code'), encodeRecord(record))
 * ```
 */
export async function createRecord(
  fields: RecordFields,
  keyPair: Ed25519SigningKeyPair,
): Promise<SignedRecord> {
  const created = fields.created ?? Date.now()
  const body = {
    ...fields,
    v: RECORD_VERSION,
    owner: keyPair.publicKey,
    created,
    expires: fields.expires ?? created + DEFAULT_RECORD_LIFETIME_MS,
    ttl: fields.ttl ?? DEFAULT_TTL_SECONDS,
    root:
      fields.root ??
      (typeof fields.name === 'string' && nameIsSubdomain(fields.name)
        ? { owner: keyPair.publicKey }
        : undefined),
  }
  const bodyBytes = encodeCbor(body)
  const checked = parseRecordBody(decodeCanonical(bodyBytes, 'record body'))
  const sig = await signWith(keyPair, recordSigningBytes(bodyBytes))
  const bytes = encodeEnvelope({ body: bodyBytes, sig })
  if (bytes.length > MAX_RECORD_SIZE)
    throw new RecordTooLargeError(
      `the record is ${bytes.length} bytes, more than ${MAX_RECORD_SIZE}`,
    )
  return { body: checked, bodyBytes, sig, bytes, holder: holderOf(checked) }
}

/** The envelope bytes of a record, as stored in the DHT. */
export function encodeRecord(record: SignedRecord): Uint8Array {
  return encodeEnvelope({ body: record.bodyBytes, sig: record.sig })
}

/**
 * Decodes and structurally checks envelope bytes; does not verify signatures or the clock
 * (`validateRecord` does). Throws `RecordTooLargeError`, `MalformedRecordError`,
 * `InvalidSignatureError` (missing or mis-sized signature), `UnknownRecordTypeError`,
 * `RecordLifetimeTooLongError` or `InvalidNameError`.
 */
export function decodeRecord(bytes: Uint8Array): SignedRecord {
  const envelope = decodeEnvelope(bytes, 'record')
  const body = parseRecordBody(decodeCanonical(envelope.body, 'record body'))
  return {
    body,
    bodyBytes: envelope.body,
    sig: envelope.sig,
    bytes: envelope.bytes,
    holder: holderOf(body),
  }
}
