/**
 * Record validation for the relay's policy, with the records already verified remembered, so
 * one PUT is not verified three times (validator, guard, GET); and the metric label of each
 * refusal. See docs/PROTOCOL.md ("Validation").
 * @module
 */
import { createHash } from 'node:crypto'
import {
  RecordExpiredError,
  UnauthorizedSignerError,
  UnregisteredNameError,
  validateRecord,
  type SignedRecord,
} from '@alternet/core/records'

/** Records whose signatures were checked, kept so one PUT is not verified three times (validator, guard, GET). */
const VERIFIED_CACHE_SIZE = 4096

/** The metric label of a refusal by the core's error name: `RecordExpiredError` → `expired`. */
export function reasonOf(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name
  if (typeof name !== 'string') return 'invalid'
  const REASONS: Record<string, string> = {
    InvalidSignatureError: 'forged',
    RecordExpiredError: 'expired',
    RecordFromFutureError: 'from-future',
    RecordTooLargeError: 'oversized',
    MalformedRecordError: 'malformed',
    InvalidNameError: 'malformed',
    KeyMismatchError: 'key-mismatch',
    UnknownRecordTypeError: 'unknown-type',
    RecordLifetimeTooLongError: 'lifetime-too-long',
    UnauthorizedSignerError: 'unauthorized-signer',
    UnregisteredNameError: 'unregistered',
    AbortError: 'aborted',
  }
  return REASONS[name] ?? 'invalid'
}

/** `validateRecord` with a cache of records whose signatures were checked. */
export class VerifiedRecords {
  private readonly registrars: () => readonly Uint8Array[]
  private readonly now: () => number
  private readonly cache = new Map<string, SignedRecord>()
  private cacheFor: readonly Uint8Array[] = []

  /** `registrars`: the trusted registrars now (a new array when they change: the cache is dropped). */
  constructor(registrars: () => readonly Uint8Array[], now: () => number) {
    this.registrars = registrars
    this.now = now
  }

  /**
   * `validateRecord` at the current time and trust settings. A record already verified is not
   * verified again: only its clock-dependent rules are checked anew.
   */
  async validate(bytes: Uint8Array, key: Uint8Array): Promise<SignedRecord> {
    const registrars = this.registrars()
    if (registrars !== this.cacheFor) {
      this.cache.clear()
      this.cacheFor = registrars
    }
    const id = createHash('sha256').update(key).update(bytes).digest('base64')
    const now = this.now()
    const known = this.cache.get(id)
    if (known !== undefined) {
      const { body } = known
      if (now >= body.expires)
        throw new RecordExpiredError(
          `the record for "${body.name}" expired ${now - body.expires} ms ago`,
        )
      if (body.registration !== undefined && now >= body.registration.expires)
        throw new UnregisteredNameError('the registration has expired')
      if (body.root?.delegation !== undefined && now >= body.root.delegation.expires)
        throw new UnauthorizedSignerError('the delegation has expired')
      return known
    }
    const record = await validateRecord(bytes, { key, now, trustedRegistrars: registrars })
    if (this.cache.size >= VERIFIED_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(id, record)
    return record
  }
}
