/**
 * What a relay stores and serves under the `an` namespace, beyond what every peer checks
 * (`validateRecord`): a newer record of the holder replaces an older one and never the other
 * way round; a live name stays with its holder key unless a trusted registrar registered the
 * newcomer more recently; revoked names and blocked content roots are refused.
 * See docs/protocol/records.md (#validation, #selection, #revocation).
 * @module
 */
import { equals } from '../../src/core/bytes.ts'
import { createAnSelector, createAnValidator, DHT_KEY_PREFIX, selectRecord, validateRecord, type SignedRecord } from '../../src/core/records/index.ts'
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { RecordRefusedError } from './errors.ts'
import type { Permissions } from './permissions.ts'
import type { RecordPolicy } from './record-store.ts'

const KEY_PREFIX = new TextEncoder().encode(DHT_KEY_PREFIX)

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

function isAnKey(key: Uint8Array): boolean {
  return key.length > KEY_PREFIX.length && equals(key.subarray(0, KEY_PREFIX.length), KEY_PREFIX)
}

function trustedRegistration(record: SignedRecord, registrars: readonly Uint8Array[]): number | undefined {
  const reg = record.body.registration
  if (reg === undefined || !registrars.some((k) => equals(k, reg.registrar))) return undefined
  return reg.expires
}

/** The relay's record policy; `refused` counts validator refusals by reason. */
export class AnRecordPolicy implements RecordPolicy {
  private readonly permissions: Permissions
  private readonly now: () => number

  constructor(permissions: Permissions, now: () => number = Date.now) {
    this.permissions = permissions
    this.now = now
  }

  /** kad-dht's validator for `an`: the core's, at the current trust settings, counting refusals. */
  validator(refused: (reason: string) => void): ValidateFn {
    return async (key, value, options) => {
      try {
        await createAnValidator({ trustedRegistrars: this.permissions.registrars, now: this.now })(key, value, options)
      } catch (err) {
        refused(reasonOf(err))
        throw err
      }
    }
  }

  /** kad-dht's selector for `an`: the core's, at the current trust settings. */
  selector(): SelectFn {
    return (key, records) => createAnSelector({ trustedRegistrars: this.permissions.registrars })(key, records)
  }

  async checkPut(key: Uint8Array, incoming: Uint8Array, current: Uint8Array | undefined): Promise<void> {
    if (!isAnKey(key)) return
    const registrars = this.permissions.registrars
    let record: SignedRecord
    try {
      record = await validateRecord(incoming, { key, now: this.now(), trustedRegistrars: registrars })
    } catch (err) {
      throw new RecordRefusedError(reasonOf(err), `${(err as Error).name}: ${(err as Error).message}`)
    }
    this.checkPermitted(record)
    if (current === undefined || equals(current, incoming)) return
    let stored: SignedRecord
    try {
      stored = await validateRecord(current, { key, now: this.now(), trustedRegistrars: registrars })
    } catch {
      return // what is stored has expired or is no longer valid here: anything valid replaces it
    }
    if (equals(stored.holder, record.holder)) {
      if (selectRecord([current, incoming], { key, trustedRegistrars: registrars }) === 0) {
        throw new RecordRefusedError('rollback', `a newer record of "${record.body.name}" is stored (seq ${stored.body.seq}, offered ${record.body.seq})`)
      }
      return
    }
    // Another key wants a live name: only a trusted registrar can hand it over.
    const offered = trustedRegistration(record, registrars)
    const held = trustedRegistration(stored, registrars)
    if (offered === undefined || (held !== undefined && offered <= held)) {
      throw new RecordRefusedError('hijack', `"${record.body.name}" is held by another key until ${new Date(stored.body.expires).toISOString()}`)
    }
  }

  async isServable(key: Uint8Array, value: Uint8Array): Promise<boolean> {
    if (!isAnKey(key)) return true
    try {
      this.checkPermitted(await validateRecord(value, { key, now: this.now(), trustedRegistrars: this.permissions.registrars }))
      return true
    } catch {
      return false
    }
  }

  isBlockedMultihash(multihash: Uint8Array): boolean {
    return this.permissions.isBlockedMultihash(multihash)
  }

  private checkPermitted(record: SignedRecord): void {
    if (this.permissions.isRevokedName(record.body.name)) throw new RecordRefusedError('revoked', `"${record.body.name}" has been revoked`)
    if (record.body.content !== undefined && this.permissions.isBlockedRoot(record.body.content)) {
      throw new RecordRefusedError('blocked', `the content of "${record.body.name}" is blocked on this relay`)
    }
  }
}
