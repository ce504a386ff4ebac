/**
 * What a relay stores and serves under the `an` namespace, beyond what every peer checks
 * (`validateRecord`): a newer record of the holder replaces an older one and never the other
 * way round; a live name stays with its holder key unless a trusted registrar registered the
 * newcomer more recently; revoked names and blocked content roots are refused. A subdomain
 * record is stored only when the root name's current record (this relay's own, else the record
 * of the holder the DHT's servers voted for, see root-lookup.ts; a tie between holders is
 * refused) is held by the record's `root.owner`, and its first-holder rule follows the root. A
 * root record of a name the relay does not hold (a fresh relay, or its record expired) is
 * refused when the DHT's servers hold the name for another key, and more blocks of those closest
 * to it hold that key's record than hold none, so a Sybil's back-dated rival offered first cannot
 * capture a relay that joins with an empty store, nor can Sybils' rivals of a brand-new name
 * squat it against its owner's first record.
 * See docs/PROTOCOL.md ("Validation", "Selection", "Revocation", "The name DHT").
 * @module
 */
import { equals } from '@alternet/core/bytes'
import { rootSiteName } from '@alternet/core/names'
import {
  createAnSelector,
  decodeRecord,
  DHT_KEY_PREFIX,
  selectRecord,
  validateRecord,
  type SignedRecord,
} from '@alternet/core/records'
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { RecordRefusedError } from './errors.ts'
import type { Permissions } from './permissions.ts'
import type { RecordPolicy } from './store-types.ts'
import { reasonOf, VerifiedRecords } from './verified-records.ts'
import {
  CONTESTED,
  DEFAULT_ROOT_LOOKUP_LIMITS,
  RootLookup,
  type RootLookupEvents,
  type RootLookupLimits,
  type RootRecordSource,
} from './root-lookup.ts'

export { reasonOf } from './verified-records.ts'
export {
  DEFAULT_ROOT_LOOKUP_LIMITS,
  type NetworkAnswer,
  type RootLookupEvents,
  type RootLookupLimits,
  type RootLookupShare,
  type RootRecordSource,
} from './root-lookup.ts'

const KEY_PREFIX = new TextEncoder().encode(DHT_KEY_PREFIX)

function isAnKey(key: Uint8Array): boolean {
  return key.length > KEY_PREFIX.length && equals(key.subarray(0, KEY_PREFIX.length), KEY_PREFIX)
}

function trustedRegistration(
  record: SignedRecord,
  registrars: readonly Uint8Array[],
): number | undefined {
  const reg = record.body.registration
  if (reg === undefined || !registrars.some((k) => equals(k, reg.registrar))) return undefined
  return reg.expires
}

/** Settings of an `AnRecordPolicy`. */
export interface RecordPolicyOptions {
  /** The clock (tests). */
  now?: () => number
  rootLookup?: Partial<RootLookupLimits>
  events?: Partial<RootLookupEvents>
}

/** The relay's record policy; `refused` counts validator refusals by reason. */
export class AnRecordPolicy implements RecordPolicy {
  private readonly permissions: Permissions
  private readonly now: () => number
  private readonly verified: VerifiedRecords
  private readonly roots: RootLookup

  constructor(permissions: Permissions, options: RecordPolicyOptions = {}) {
    this.permissions = permissions
    this.now = options.now ?? Date.now
    this.verified = new VerifiedRecords(() => permissions.registrars, this.now)
    this.roots = new RootLookup({
      limits: { ...DEFAULT_ROOT_LOOKUP_LIMITS, ...options.rootLookup },
      events: { lookup: () => undefined, shared: () => undefined, ...options.events },
      now: this.now,
      registrars: () => this.permissions.registrars,
      validRoot: (bytes, rootKey) => this.validRoot(bytes, rootKey),
    })
  }

  /** Where root records are looked up; until set, every subdomain record is refused (`root-not-found`). */
  useRootRecords(source: RootRecordSource): void {
    this.roots.use(source)
  }

  /** kad-dht's validator for `an`: the core's, at the current trust settings, counting refusals. */
  validator(refused: (reason: string) => void): ValidateFn {
    return async (key, value, options) => {
      try {
        options?.signal?.throwIfAborted()
        await this.verified.validate(value, key)
      } catch (err) {
        refused(reasonOf(err))
        throw err
      }
    }
  }

  /** kad-dht's selector for `an`: the core's, at the current trust settings. */
  selector(): SelectFn {
    return (key, records) =>
      createAnSelector({ trustedRegistrars: this.permissions.registrars })(key, records)
  }

  async checkPut(
    key: Uint8Array,
    incoming: Uint8Array,
    current: Uint8Array | undefined,
  ): Promise<void> {
    if (!isAnKey(key)) return
    const registrars = this.permissions.registrars
    let record: SignedRecord
    try {
      record = await this.verified.validate(incoming, key)
    } catch (err) {
      // The reason names the failure; the message stays words (the API shows it to people).
      throw new RecordRefusedError(reasonOf(err), (err as Error).message)
    }
    this.checkPermitted(record)
    const subdomain = record.body.root !== undefined
    if (subdomain) await this.checkRoot(incoming, key, record)
    if (current !== undefined && equals(current, incoming)) return
    let stored: SignedRecord | undefined
    try {
      if (current !== undefined) stored = await this.verified.validate(current, key)
    } catch {
      stored = undefined // what is stored has expired or is no longer valid here
    }
    if (stored === undefined) {
      // A root name this relay does not hold: follow the holder the network holds it for, so a
      // relay that joins with an empty store is not captured by the first rival it is offered.
      if (!subdomain) await this.checkNetworkHolder(key, incoming, record)
      return
    }
    if (equals(stored.holder, record.holder)) {
      if (selectRecord([current!, incoming], { key, trustedRegistrars: registrars }) === 0) {
        throw new RecordRefusedError(
          'rollback',
          `a newer record of "${record.body.name}" is stored (seq ${stored.body.seq}, offered ${record.body.seq})`,
        )
      }
      return
    }
    // A subdomain belongs to whoever holds its root now (checked above): the stored record's
    // key no longer holds the root, so the root holder's record replaces it.
    if (subdomain) return
    // Another key wants a live name: only a trusted registrar can hand it over.
    const offered = trustedRegistration(record, registrars)
    const held = trustedRegistration(stored, registrars)
    if (offered === undefined || (held !== undefined && offered <= held)) {
      throw new RecordRefusedError(
        'hijack',
        `"${record.body.name}" is held by another key until ${new Date(stored.body.expires).toISOString()}`,
      )
    }
  }

  async isServable(key: Uint8Array, value: Uint8Array): Promise<boolean> {
    if (!isAnKey(key)) return true
    try {
      this.checkPermitted(await this.verified.validate(value, key))
      return true
    } catch {
      return false
    }
  }

  protectedUntil(key: Uint8Array, value: Uint8Array): number | undefined {
    if (!isAnKey(key)) return undefined
    try {
      return decodeRecord(value).body.expires
    } catch {
      return undefined
    }
  }

  isBlockedMultihash(multihash: Uint8Array): boolean {
    return this.permissions.isBlockedMultihash(multihash)
  }

  /**
   * Refuses a subdomain record unless the root name's current record is held by its
   * `root.owner`: `root-not-found` when no valid root record is found, `root-contested` when
   * the servers asked name different holders and none has the most votes, `unauthorized-signer`
   * when another key holds the root.
   */
  private async checkRoot(
    incoming: Uint8Array,
    key: Uint8Array,
    record: SignedRecord,
  ): Promise<void> {
    const root = rootSiteName(record.body.name)
    const rootRecord = await this.roots.find(root)
    if (rootRecord === CONTESTED)
      throw new RecordRefusedError(
        'root-contested',
        `the peers asked disagree on who holds the root name "${root}"`,
      )
    if (rootRecord === undefined)
      throw new RecordRefusedError(
        'root-not-found',
        `no record of the root name "${root}" was found`,
      )
    try {
      await validateRecord(incoming, {
        key,
        now: this.now(),
        trustedRegistrars: this.permissions.registrars,
        rootRecord,
      })
    } catch (err) {
      // The reason names the failure; the message stays words (the API shows it to people).
      throw new RecordRefusedError(reasonOf(err), (err as Error).message)
    }
  }

  /**
   * Refuses a root record of a name this relay does not hold (`hijack`) when the DHT's servers
   * hold the name for another key: the holder their address blocks voted for (one look-up,
   * cached and shared per name and bounded as for subdomains, see root-lookup.ts), when the
   * blocks of the servers closest to the name that hold it outnumber those that hold no record
   * of it (absent-votes.ts), unless a trusted registrar registered the newcomer more recently;
   * and (`rollback`) an older record of the holder they voted for than the one they hold, so a
   * stale copy offered to a relay that holds none is not taken. A brand-new name held by nobody
   * but Sybils of fewer blocks than the honest servers that hold nothing, nothing found, a tie
   * between holders, or a look-up cut short with no holder known, leaves the relay's own
   * first-holder rule to decide.
   */
  private async checkNetworkHolder(
    key: Uint8Array,
    incoming: Uint8Array,
    record: SignedRecord,
  ): Promise<void> {
    const found = await this.roots.findHolder(record.body.name)
    const held = found.value
    if (held === undefined || held === CONTESTED) return
    const holder = await this.validRoot(held, key)
    if (holder === undefined) return
    const registrars = this.permissions.registrars
    if (equals(holder.holder, record.holder)) {
      if (
        !equals(held, incoming) &&
        selectRecord([held, incoming], { key, trustedRegistrars: registrars }) === 0
      )
        throw new RecordRefusedError(
          'rollback',
          `the network holds a newer record of "${record.body.name}" (seq ${holder.body.seq}, offered ${record.body.seq})`,
        )
      return
    }
    // Sybils that answer with a rival of a name the servers around it hold nowhere do not take it.
    if (found.holderVotes <= found.absentVotes) return
    const offered = trustedRegistration(record, registrars)
    const registered = trustedRegistration(holder, registrars)
    if (offered !== undefined && (registered === undefined || offered > registered)) return
    throw new RecordRefusedError(
      'hijack',
      `the network holds "${record.body.name}" for another key until ${new Date(holder.body.expires).toISOString()}`,
    )
  }

  /** `bytes` as a valid, unrevoked root record under `rootKey` now; undefined when it is not one. */
  private async validRoot(
    bytes: Uint8Array,
    rootKey: Uint8Array,
  ): Promise<SignedRecord | undefined> {
    try {
      const r = await this.verified.validate(bytes, rootKey)
      return r.body.root === undefined && !this.permissions.isRevokedName(r.body.name)
        ? r
        : undefined
    } catch {
      return undefined
    }
  }

  private checkPermitted(record: SignedRecord): void {
    if (this.permissions.isRevokedName(record.body.name))
      throw new RecordRefusedError('revoked', `"${record.body.name}" has been revoked`)
    if (record.body.content !== undefined && this.permissions.isBlockedRoot(record.body.content)) {
      throw new RecordRefusedError(
        'blocked',
        `the content of "${record.body.name}" is blocked on this relay`,
      )
    }
  }
}
