/**
 * Full validation of a record: structure, DHT key, clock, signature, signer authority and
 * registration, in the order of docs/PROTOCOL.md#validation.
 * @module
 */
import { equals, toHex } from '../bytes.ts'
import { verify } from '../crypto/ed25519.ts'
import { rootSiteName } from '../names/index.ts'
import { verifyDelegation, verifyRegistration } from './authority.ts'
import { MAX_CLOCK_SKEW_MS, MAX_DELEGATION_LIFETIME_MS } from './constants.ts'
import { dhtKey } from './dht-key.ts'
import {
  InvalidSignatureError,
  KeyMismatchError,
  RecordExpiredError,
  RecordFromFutureError,
  UnauthorizedSignerError,
  UnregisteredNameError,
} from './errors.ts'
import { decodeRecord, recordSigningBytes } from './signed-record.ts'
import type { SignedRecord } from './signed-record.ts'

/** What a record is validated against. */
export interface ValidateRecordOptions {
  /** The time to validate at, ms since the epoch. @default Date.now() */
  now?: number
  /** The DHT key the record was stored or found under; when given, the name must hash to it. */
  key?: Uint8Array
  /** Registrar keys this network trusts; when non-empty, every record needs a registration by one. @default [] */
  trustedRegistrars?: readonly Uint8Array[]
  /** For a subdomain record: the root's own record (envelope bytes); its holder must be `root.owner`. */
  rootRecord?: Uint8Array
  /** Aborts the validation. */
  signal?: AbortSignal
}

/**
 * Decodes `bytes` and checks everything a peer must check before storing or using a record.
 * Resolves to the record; rejects with a typed error (see `errors.ts`) naming the first rule
 * broken.
 */
export async function validateRecord(
  bytes: Uint8Array,
  options: ValidateRecordOptions = {},
): Promise<SignedRecord> {
  const now = options.now ?? Date.now()
  const trusted = options.trustedRegistrars ?? []
  options.signal?.throwIfAborted()
  const record = decodeRecord(bytes)
  const { body } = record

  if (options.key !== undefined && !equals(options.key, await dhtKey(body.name))) {
    throw new KeyMismatchError(`the record for "${body.name}" does not belong under this DHT key`)
  }
  if (body.created > now + MAX_CLOCK_SKEW_MS)
    throw new RecordFromFutureError(`the record is created ${body.created - now} ms in the future`)
  if (now >= body.expires)
    throw new RecordExpiredError(
      `the record for "${body.name}" expired ${now - body.expires} ms ago`,
    )

  if (!(await verify(body.owner, recordSigningBytes(record.bodyBytes), record.sig))) {
    throw new InvalidSignatureError(
      `the signature does not verify for the owner key of "${body.name}"`,
    )
  }
  options.signal?.throwIfAborted()

  const root = rootSiteName(body.name)
  if (body.root !== undefined) {
    const { delegation } = body.root
    if (delegation === undefined) {
      if (!equals(body.owner, body.root.owner))
        throw new UnauthorizedSignerError(`"${body.name}" is not signed by its root key`)
    } else {
      if (!equals(body.owner, delegation.key))
        throw new UnauthorizedSignerError(`"${body.name}" is not signed by the delegated key`)
      if (now >= delegation.expires)
        throw new UnauthorizedSignerError(`the delegation for "${root}" has expired`)
      if (delegation.expires > now + MAX_DELEGATION_LIFETIME_MS + MAX_CLOCK_SKEW_MS)
        throw new UnauthorizedSignerError(
          `the delegation for "${root}" runs longer than ${MAX_DELEGATION_LIFETIME_MS / 86_400_000} days`,
        )
      if (!(await verifyDelegation(root, body.root.owner, delegation))) {
        throw new UnauthorizedSignerError(
          `the delegation for "${root}" is not signed by the root key`,
        )
      }
    }
    if (options.rootRecord !== undefined)
      await checkRootRecord(options.rootRecord, root, record.holder, now, trusted, options.signal)
  }

  const { registration } = body
  if (registration !== undefined) {
    if (now >= registration.expires)
      throw new UnregisteredNameError(`the registration of "${root}" has expired`)
    if (!(await verifyRegistration(root, record.holder, registration))) {
      throw new UnregisteredNameError(
        `the registration of "${root}" does not verify for this holder`,
      )
    }
  }
  if (trusted.length > 0) {
    if (registration === undefined)
      throw new UnregisteredNameError(`"${root}" carries no registration`)
    if (!trusted.some((key) => equals(key, registration.registrar))) {
      throw new UnregisteredNameError(
        `"${root}" is registered by ${toHex(registration.registrar)}, not a trusted registrar`,
      )
    }
  }
  return record
}

async function checkRootRecord(
  bytes: Uint8Array,
  root: string,
  holder: Uint8Array,
  now: number,
  trustedRegistrars: readonly Uint8Array[],
  signal: AbortSignal | undefined,
): Promise<void> {
  let rootRecord: SignedRecord
  try {
    rootRecord = await validateRecord(bytes, { now, trustedRegistrars, signal })
  } catch (cause) {
    if ((cause as { name?: unknown } | null)?.name === 'AbortError') throw cause
    throw new UnauthorizedSignerError(`the root record of "${root}" is not valid`, { cause })
  }
  if (rootRecord.body.name !== root)
    throw new UnauthorizedSignerError(
      `the root record given is for "${rootRecord.body.name}", not "${root}"`,
    )
  if (!equals(rootRecord.holder, holder))
    throw new UnauthorizedSignerError(
      `"${root}" is held by another key than this record's root.owner`,
    )
}
