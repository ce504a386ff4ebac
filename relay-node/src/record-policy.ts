/**
 * What a relay stores and serves under the `an` namespace, beyond what every peer checks
 * (`validateRecord`): a newer record of the holder replaces an older one and never the other
 * way round; a live name stays with its holder key unless a trusted registrar registered the
 * newcomer more recently; revoked names and blocked content roots are refused. A subdomain
 * record is stored only when the root name's current record (this relay's own, else the record
 * of the holder most peers returned in the DHT; a tie between holders is refused) is held by the
 * record's `root.owner`, and its first-holder rule follows the root. A root record of a name
 * the relay does not hold (a fresh relay, or its record expired) is refused when the DHT's peers
 * hold the name for another key (the holder most of them return), so a Sybil's back-dated rival
 * offered first cannot capture a relay that joins with an empty store.
 * DHT look-ups of root names are cached (found and not found), shared by concurrent writes
 * under the same root, and bounded in number, so a flood of writes of names or under roots
 * nobody holds costs one look-up per root and never more than `maxConcurrent` at once.
 * See docs/PROTOCOL.md ("Validation", "Selection", "Revocation", "The name DHT").
 * @module
 */
import { createHash } from 'node:crypto'
import { equals } from '@alternet/core/bytes'
import { rootSiteName } from '@alternet/core/names'
import {
  createAnSelector,
  decodeRecord,
  DHT_KEY_PREFIX,
  dhtKey,
  RecordExpiredError,
  selectRecord,
  UnauthorizedSignerError,
  UnregisteredNameError,
  validateRecord,
  type SignedRecord,
} from '@alternet/core/records'
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import * as C from './constants.ts'
import { RecordRefusedError } from './errors.ts'
import type { Permissions } from './permissions.ts'
import type { RecordPolicy } from './record-store.ts'

const KEY_PREFIX = new TextEncoder().encode(DHT_KEY_PREFIX)
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

/** Where the policy finds a root name's record, to judge its subdomain records. */
export interface RootRecordSource {
  /** The record value this relay stores and serves under the DHT key, or undefined. */
  local(key: Uint8Array): Promise<Uint8Array | undefined>
  /** Record values other peers hold under the DHT key, one per answering peer (may be empty); stops at `signal`. */
  network(key: Uint8Array, signal: AbortSignal): Promise<Uint8Array[]>
}

/** The bounds of root-name look-ups (defaults in constants.ts, set by flags). */
export interface RootLookupLimits {
  /** How long one DHT look-up may take. */
  timeoutMs: number
  /** Results kept; the least recently used goes first. */
  cacheSize: number
  /** Longest a found root record is reused. */
  positiveTtlMs: number
  /** How long "none found" is reused. */
  negativeTtlMs: number
  /** DHT look-ups of distinct roots in flight at once; beyond, writes are refused (`busy`). */
  maxConcurrent: number
}

/** The defaults of `RootLookupLimits`. */
export const DEFAULT_ROOT_LOOKUP_LIMITS: RootLookupLimits = {
  timeoutMs: C.DEFAULT_ROOT_LOOKUP_TIMEOUT_MS,
  cacheSize: C.DEFAULT_ROOT_CACHE_SIZE,
  positiveTtlMs: C.DEFAULT_ROOT_CACHE_TTL_MS,
  negativeTtlMs: C.DEFAULT_ROOT_NEGATIVE_TTL_MS,
  maxConcurrent: C.DEFAULT_MAX_ROOT_LOOKUPS,
}

/** How a subdomain write that needed no DHT look-up of its own got the root: from the cache, found or not, or from a look-up in flight. */
export type RootLookupShare = 'cached-found' | 'cached-not-found' | 'in-flight'

/** What the policy reports of its root look-ups, for metrics. */
export interface RootLookupEvents {
  /** A DHT look-up of a root name started. */
  lookup(): void
  /** A subdomain write was judged without a DHT look-up of its own. */
  shared(how: RootLookupShare): void
}

/** Settings of an `AnRecordPolicy`. */
export interface RecordPolicyOptions {
  /** The clock (tests). */
  now?: () => number
  rootLookup?: Partial<RootLookupLimits>
  events?: Partial<RootLookupEvents>
}

/**
 * What a DHT look-up of a root name found: the record of the holder most peers returned,
 * `undefined` for none, or `CONTESTED` when different holders tie for the most peers.
 */
type RootAnswer = Uint8Array | undefined | typeof CONTESTED
const CONTESTED = 'contested'

/** A cached root look-up, until `until`. */
interface RootCacheEntry {
  value: RootAnswer
  until: number
}

/** The relay's record policy; `refused` counts validator refusals by reason. */
export class AnRecordPolicy implements RecordPolicy {
  private readonly permissions: Permissions
  private readonly now: () => number
  private readonly verified = new Map<string, SignedRecord>()
  private verifiedFor: readonly Uint8Array[] = []
  private roots: RootRecordSource | undefined
  private readonly limits: RootLookupLimits
  private readonly events: RootLookupEvents
  /** Root look-up results by root name, least recently used first. */
  private readonly rootCache = new Map<string, RootCacheEntry>()
  private rootCacheFor: readonly Uint8Array[] = []
  /** DHT look-ups in flight by root name: concurrent writes under one root share one. */
  private readonly rootLookups = new Map<string, Promise<RootAnswer>>()

  constructor(permissions: Permissions, options: RecordPolicyOptions = {}) {
    this.permissions = permissions
    this.now = options.now ?? Date.now
    this.limits = { ...DEFAULT_ROOT_LOOKUP_LIMITS, ...options.rootLookup }
    this.events = { lookup: () => undefined, shared: () => undefined, ...options.events }
  }

  /** Where root records are looked up; until set, every subdomain record is refused (`root-not-found`). */
  useRootRecords(source: RootRecordSource): void {
    this.roots = source
  }

  /** kad-dht's validator for `an`: the core's, at the current trust settings, counting refusals. */
  validator(refused: (reason: string) => void): ValidateFn {
    return async (key, value, options) => {
      try {
        options?.signal?.throwIfAborted()
        await this.validate(value, key)
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
      record = await this.validate(incoming, key)
    } catch (err) {
      throw new RecordRefusedError(
        reasonOf(err),
        `${(err as Error).name}: ${(err as Error).message}`,
      )
    }
    this.checkPermitted(record)
    const subdomain = record.body.root !== undefined
    if (subdomain) await this.checkRoot(incoming, key, record)
    if (current !== undefined && equals(current, incoming)) return
    let stored: SignedRecord | undefined
    try {
      if (current !== undefined) stored = await this.validate(current, key)
    } catch {
      stored = undefined // what is stored has expired or is no longer valid here
    }
    if (stored === undefined) {
      // A root name this relay does not hold: follow the holder the network holds it for, so a
      // relay that joins with an empty store is not captured by the first rival it is offered.
      if (!subdomain) await this.checkNetworkHolder(key, record)
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
      this.checkPermitted(await this.validate(value, key))
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
   * `validateRecord` at the current time and trust settings. A record already verified is not
   * verified again: only its clock-dependent rules are checked anew.
   */
  private async validate(bytes: Uint8Array, key: Uint8Array): Promise<SignedRecord> {
    const registrars = this.permissions.registrars
    if (registrars !== this.verifiedFor) {
      this.verified.clear()
      this.verifiedFor = registrars
    }
    const id = createHash('sha256').update(key).update(bytes).digest('base64')
    const now = this.now()
    const known = this.verified.get(id)
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
    if (this.verified.size >= VERIFIED_CACHE_SIZE)
      this.verified.delete(this.verified.keys().next().value!)
    this.verified.set(id, record)
    return record
  }

  /**
   * Refuses a subdomain record unless the root name's current record is held by its
   * `root.owner`: `root-not-found` when no valid root record is found, `root-contested` when
   * the peers asked name different holders and none has the most, `unauthorized-signer`
   * when another key holds the root.
   */
  private async checkRoot(
    incoming: Uint8Array,
    key: Uint8Array,
    record: SignedRecord,
  ): Promise<void> {
    const root = rootSiteName(record.body.name)
    const rootRecord = await this.findRoot(root)
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
      throw new RecordRefusedError(
        reasonOf(err),
        `${(err as Error).name}: ${(err as Error).message}`,
      )
    }
  }

  /**
   * Refuses a root record of a name this relay does not hold (`hijack`) when the DHT's peers
   * hold the name for another key: the holder most of them return (one look-up, cached and
   * bounded as for subdomains, see `findRoot`), unless a trusted registrar registered the
   * newcomer more recently. Nothing found, or a tie between holders, leaves the relay's own
   * first-holder rule to decide.
   */
  private async checkNetworkHolder(key: Uint8Array, record: SignedRecord): Promise<void> {
    const held = await this.findRoot(record.body.name)
    if (held === undefined || held === CONTESTED) return
    const holder = await this.validRoot(held, key)
    if (holder === undefined || equals(holder.holder, record.holder)) return
    const registrars = this.permissions.registrars
    const offered = trustedRegistration(record, registrars)
    const registered = trustedRegistration(holder, registrars)
    if (offered !== undefined && (registered === undefined || offered > registered)) return
    throw new RecordRefusedError(
      'hijack',
      `the network holds "${record.body.name}" for another key until ${new Date(holder.body.expires).toISOString()}`,
    )
  }

  /**
   * The root name's current record: this relay's own when it holds a valid one, else a cached
   * look-up result (a found record re-validated), else the DHT's best, one look-up per root
   * at a time. Throws `busy` when `maxConcurrent` look-ups of other roots are in flight.
   */
  private async findRoot(root: string): Promise<RootAnswer> {
    if (this.roots === undefined) return undefined
    const rootKey = await dhtKey(root)
    const local = await this.roots.local(rootKey).catch(() => undefined)
    if (local !== undefined && (await this.validRoot(local, rootKey)) !== undefined) return local
    if (this.permissions.registrars !== this.rootCacheFor) {
      this.rootCache.clear()
      this.rootCacheFor = this.permissions.registrars
    }
    const cached = this.rootCache.get(root)
    if (cached !== undefined) {
      this.rootCache.delete(root)
      if (this.now() < cached.until) {
        if (cached.value === undefined || cached.value === CONTESTED) {
          this.rootCache.set(root, cached)
          this.events.shared('cached-not-found')
          return cached.value
        }
        if ((await this.validRoot(cached.value, rootKey)) !== undefined) {
          this.rootCache.set(root, cached)
          this.events.shared('cached-found')
          return cached.value
        }
      }
    }
    const pending = this.rootLookups.get(root)
    if (pending !== undefined) {
      this.events.shared('in-flight')
      return pending
    }
    if (this.rootLookups.size >= this.limits.maxConcurrent) {
      throw new RecordRefusedError(
        'busy',
        `${this.rootLookups.size} root name look-ups are in flight; try again shortly`,
      )
    }
    this.events.lookup()
    const lookup = this.lookUpRoot(root, rootKey).finally(() => this.rootLookups.delete(root))
    this.rootLookups.set(root, lookup)
    return lookup
  }

  /**
   * One DHT look-up of a root name's record; caches what it finds, or that it found none. Among
   * different holders the one whose records the most peers returned wins, so a peer answering
   * with a back-dated rival cannot outvote the others; a tie is `CONTESTED`, never settled by
   * an earlier `created`. Among one holder's records, selection picks the newest.
   */
  private async lookUpRoot(root: string, rootKey: Uint8Array): Promise<RootAnswer> {
    const byHolder = new Map<string, { peers: number; values: Uint8Array[] }>()
    for (const bytes of await this.roots!.network(
      rootKey,
      AbortSignal.timeout(this.limits.timeoutMs),
    ).catch(() => [])) {
      const record = await this.validRoot(bytes, rootKey)
      if (record === undefined) continue
      const id = Buffer.from(record.holder).toString('hex')
      const group = byHolder.get(id) ?? { peers: 0, values: [] }
      group.peers++
      group.values.push(bytes)
      byHolder.set(id, group)
    }
    const now = this.now()
    const groups = [...byHolder.values()].sort((a, b) => b.peers - a.peers)
    let best: RootAnswer
    if (groups.length === 0) best = undefined
    else if (groups.length > 1 && groups[1].peers === groups[0].peers) best = CONTESTED
    else {
      const { values } = groups[0]
      best =
        values[
          selectRecord(values, { key: rootKey, trustedRegistrars: this.permissions.registrars })
        ]
    }
    const until =
      best === undefined || best === CONTESTED
        ? now + this.limits.negativeTtlMs
        : Math.min(
            now + this.limits.positiveTtlMs,
            decodeRecord(best).body.expires - C.ROOT_CACHE_EXPIRY_MARGIN_MS,
          )
    if (until > now && this.limits.cacheSize > 0) {
      this.rootCache.delete(root)
      while (this.rootCache.size >= this.limits.cacheSize)
        this.rootCache.delete(this.rootCache.keys().next().value!)
      this.rootCache.set(root, { value: best, until })
    }
    return best
  }

  /** `bytes` as a valid, unrevoked root record under `rootKey` now; undefined when it is not one. */
  private async validRoot(
    bytes: Uint8Array,
    rootKey: Uint8Array,
  ): Promise<SignedRecord | undefined> {
    try {
      const r = await this.validate(bytes, rootKey)
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
