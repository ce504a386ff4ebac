/**
 * Revocations: a trusted revoker's signed statement that a site, or some of its content roots,
 * must no longer be served. Relays act on them. See docs/PROTOCOL.md#revocation.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { equals } from '../bytes.ts'
import { signWith, verify } from '../crypto/ed25519.ts'
import type { Ed25519SigningKeyPair } from '../crypto/ed25519.ts'
import {
  checkKeys,
  decodeCanonical,
  decodeEnvelope,
  domainSeparated,
  encodeCbor,
  encodeEnvelope,
  isMap,
} from './codec.ts'
import {
  MAX_CLOCK_SKEW_MS,
  MAX_RECORD_SIZE,
  MAX_REVOCATION_ROOTS,
  RECORD_VERSION,
  REVOCATION_SIGNING_DOMAIN,
  REVOKABLE_CODECS,
} from './constants.ts'
import {
  InvalidSignatureError,
  MalformedRecordError,
  RecordFromFutureError,
  RecordTooLargeError,
  UnauthorizedSignerError,
} from './errors.ts'
import { cidV1, list, publicKey, uint } from './fields.ts'
import { canonicalSite } from './record-body.ts'

/** The signed fields of a revocation. */
export interface RevocationBody {
  /** Body format version: 1. */
  v: typeof RECORD_VERSION
  /** Canonical site name. */
  name: string
  /** Content roots to block; empty blocks the site as a whole. */
  roots: CID[]
  /** The revoker's 32-byte Ed25519 key, which signs the revocation. */
  revoker: Uint8Array
  /** When it was issued, ms since the epoch. */
  issued: number
}

/** A decoded revocation with the exact bytes it came from. */
export interface SignedRevocation {
  /** The checked body fields. */
  body: RevocationBody
  /** The DAG-CBOR body exactly as signed. */
  bodyBytes: Uint8Array
  /** The revoker's signature. */
  sig: Uint8Array
  /** The whole envelope. */
  bytes: Uint8Array
}

/** What `createRevocation` needs. */
export interface RevocationInit {
  /** Site name (canonical). */
  name: string
  /** Content roots to block. @default [] (the whole site) */
  roots?: CID[]
  /** @default Date.now() */
  issued?: number
}

/** What a revocation is checked against. */
export interface VerifyRevocationOptions {
  /** Keys whose revocations this peer honours. */
  trustedRevokers: readonly Uint8Array[]
  /** The time to check at, ms since the epoch. @default Date.now() */
  now?: number
}

const FIELDS = new Set(['v', 'name', 'roots', 'revoker', 'issued'])

/** The bytes a revocation signature covers: `an-revocation-v1`, 0x00, the body bytes. */
export function revocationSigningBytes(bodyBytes: Uint8Array): Uint8Array {
  return domainSeparated(REVOCATION_SIGNING_DOMAIN, bodyBytes)
}

function parseRevocationBody(value: unknown): RevocationBody {
  if (!isMap(value)) throw new MalformedRecordError('the revocation body is not a map')
  checkKeys(value, FIELDS, 'revocation body')
  if (value.v !== RECORD_VERSION) throw new MalformedRecordError(`v must be ${RECORD_VERSION}`)
  const name = canonicalSite(value.name, 'name').site
  const items = list(value.roots, 'roots')
  if (items.length > MAX_REVOCATION_ROOTS)
    throw new MalformedRecordError(`a revocation lists at most ${MAX_REVOCATION_ROOTS} roots`)
  const roots = items.map((item, i) => cidV1(item, REVOKABLE_CODECS, `roots[${i}]`))
  if (new Set(roots.map(String)).size !== roots.length)
    throw new MalformedRecordError('a revocation lists a root twice')
  return {
    v: RECORD_VERSION,
    name,
    roots,
    revoker: publicKey(value.revoker, 'revoker'),
    issued: uint(value.issued, 'issued'),
  }
}

/** Signs a revocation with a revoker's key. */
export async function createRevocation(
  init: RevocationInit,
  revokerKeyPair: Ed25519SigningKeyPair,
): Promise<SignedRevocation> {
  const bodyBytes = encodeCbor({
    v: RECORD_VERSION,
    name: init.name,
    roots: init.roots ?? [],
    revoker: revokerKeyPair.publicKey,
    issued: init.issued ?? Date.now(),
  })
  const body = parseRevocationBody(decodeCanonical(bodyBytes, 'revocation body'))
  const sig = await signWith(revokerKeyPair, revocationSigningBytes(bodyBytes))
  const bytes = encodeEnvelope({ body: bodyBytes, sig })
  if (bytes.length > MAX_RECORD_SIZE)
    throw new RecordTooLargeError(
      `the revocation is ${bytes.length} bytes, more than ${MAX_RECORD_SIZE}`,
    )
  return { body, bodyBytes, sig, bytes }
}

/** Decodes and structurally checks a revocation envelope (no signature check). */
export function decodeRevocation(bytes: Uint8Array): SignedRevocation {
  const envelope = decodeEnvelope(bytes, 'revocation')
  const body = parseRevocationBody(decodeCanonical(envelope.body, 'revocation body'))
  return { body, bodyBytes: envelope.body, sig: envelope.sig, bytes: envelope.bytes }
}

/**
 * Decodes a revocation and checks that a trusted revoker signed it and that it is not from the
 * future. Rejects with `UnauthorizedSignerError`, `InvalidSignatureError`,
 * `RecordFromFutureError` or a decoding error.
 */
export async function verifyRevocation(
  bytes: Uint8Array,
  options: VerifyRevocationOptions,
): Promise<SignedRevocation> {
  const now = options.now ?? Date.now()
  const revocation = decodeRevocation(bytes)
  const { body } = revocation
  if (!options.trustedRevokers.some((key) => equals(key, body.revoker)))
    throw new UnauthorizedSignerError('the revocation is not from a trusted revoker')
  if (body.issued > now + MAX_CLOCK_SKEW_MS)
    throw new RecordFromFutureError(
      `the revocation is issued ${body.issued - now} ms in the future`,
    )
  if (!(await verify(body.revoker, revocationSigningBytes(revocation.bodyBytes), revocation.sig))) {
    throw new InvalidSignatureError('the revocation signature does not verify')
  }
  return revocation
}
