/**
 * The relay's DHT look-ups of root names it does not hold, for the record policy: what the
 * network holds a name for, decided by a vote of address blocks (each block one vote, for the
 * holder most of its servers returned; `countHolderVotes`), so many peer IDs from one machine or
 * network cannot outvote the servers elsewhere. Results are cached (found and not found), shared
 * by concurrent writes under the same root, and bounded in number, so a flood of writes of names
 * or under roots nobody holds costs one look-up per root and never more than `maxConcurrent` at
 * once. See docs/PROTOCOL.md ("The name DHT", "Counting servers").
 * @module
 */
import { toHex } from '@alternet/core/bytes'
import { countHolderVotes, decodeRecord, dhtKey, selectRecord } from '@alternet/core/records'
import type { SignedRecord } from '@alternet/core/records'
import { SharedLookups } from '@alternet/core/contracts'
import * as C from './constants.ts'
import { RecordRefusedError } from './errors.ts'

/** One DHT server's answer to a look-up: the record value, who sent it and its address block. */
export interface NetworkAnswer {
  value: Uint8Array
  /** The answering peer (peer ID text). */
  server: string
  /** Its address block (`addressBlock` of the connection the answer came over). */
  block: string
}

/** Where the policy finds a root name's record, to judge its subdomain records. */
export interface RootRecordSource {
  /** The record value this relay stores and serves under the DHT key, or undefined. */
  local(key: Uint8Array): Promise<Uint8Array | undefined>
  /** Record values other peers hold under the DHT key, one per answering peer (may be empty); stops at `signal`. */
  network(key: Uint8Array, signal: AbortSignal): Promise<Uint8Array[]>
  /**
   * The same answers with the peer and address block each came from. Without it, each value
   * counts as one server in one shared block (a majority of peers).
   */
  answers?(key: Uint8Array, signal: AbortSignal): Promise<NetworkAnswer[]>
}

/**
 * One DHT look-up's answers from `source`, each with its server and address block; a source
 * that knows only the values gives each as one server in one shared block.
 */
export async function networkAnswers(
  source: RootRecordSource,
  key: Uint8Array,
  signal: AbortSignal,
): Promise<NetworkAnswer[]> {
  if (source.answers !== undefined) return source.answers(key, signal)
  const values = await source.network(key, signal)
  return values.map((value, i) => ({ value, server: String(i), block: 'network' }))
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

/** The answer of a look-up when holders tie for the most votes. */
export const CONTESTED = 'contested'

/**
 * What a DHT look-up of a root name found: the record of the holder with the most votes,
 * `undefined` for none, or `CONTESTED` when different holders tie.
 */
export type RootAnswer = Uint8Array | undefined | typeof CONTESTED

/** A cached root look-up, until `until`. */
interface RootCacheEntry {
  value: RootAnswer
  until: number
}

/** What a `RootLookup` works with. */
export interface RootLookupInit {
  limits: RootLookupLimits
  events: RootLookupEvents
  now: () => number
  /** The trusted registrars now (a new array when they change: the cache is dropped). */
  registrars: () => readonly Uint8Array[]
  /** `bytes` as a valid, unrevoked root record under `rootKey` now; undefined when it is not one. */
  validRoot: (bytes: Uint8Array, rootKey: Uint8Array) => Promise<SignedRecord | undefined>
}

/** Root names' current records, looked up in the DHT when the relay does not hold them. */
export class RootLookup {
  private readonly init: RootLookupInit
  private source: RootRecordSource | undefined
  /** Look-up results by root name, least recently used first. */
  private readonly cache = new Map<string, RootCacheEntry>()
  private cacheFor: readonly Uint8Array[] = []
  /** DHT look-ups in flight by root name: concurrent writes under one root share one. */
  private readonly lookups = new SharedLookups<RootAnswer>()

  constructor(init: RootLookupInit) {
    this.init = init
  }

  /** Where root records are looked up; until set, every answer is `undefined`. */
  use(source: RootRecordSource): void {
    this.source = source
  }

  /**
   * The root name's current record: this relay's own when it holds a valid one, else a cached
   * look-up result (a found record re-validated), else the DHT's best, one look-up per root
   * at a time. Throws `busy` when `maxConcurrent` look-ups of other roots are in flight.
   */
  async find(root: string): Promise<RootAnswer> {
    if (this.source === undefined) return undefined
    const { validRoot, events, limits } = this.init
    const rootKey = await dhtKey(root)
    const local = await this.source.local(rootKey).catch(() => undefined)
    if (local !== undefined && (await validRoot(local, rootKey)) !== undefined) return local
    const registrars = this.init.registrars()
    if (registrars !== this.cacheFor) {
      this.cache.clear()
      this.cacheFor = registrars
    }
    const cached = this.cache.get(root)
    if (cached !== undefined) {
      this.cache.delete(root)
      if (this.init.now() < cached.until) {
        if (cached.value === undefined || cached.value === CONTESTED) {
          this.cache.set(root, cached)
          events.shared('cached-not-found')
          return cached.value
        }
        if ((await validRoot(cached.value, rootKey)) !== undefined) {
          this.cache.set(root, cached)
          events.shared('cached-found')
          return cached.value
        }
      }
    }
    if (this.lookups.has(root)) events.shared('in-flight')
    else if (this.lookups.size >= limits.maxConcurrent) {
      throw new RecordRefusedError(
        'busy',
        `${this.lookups.size} root name look-ups are in flight; try again shortly`,
      )
    } else events.lookup()
    return this.lookups.run(root, () => this.lookUp(root, rootKey))
  }

  /** The answers of one DHT look-up, each with its server and block. */
  private async answers(rootKey: Uint8Array): Promise<NetworkAnswer[]> {
    const signal = AbortSignal.timeout(this.init.limits.timeoutMs)
    return networkAnswers(this.source!, rootKey, signal).catch(() => [])
  }

  /**
   * One DHT look-up of a root name's record; caches what it finds, or that it found none. Among
   * different holders the one with the most address blocks' votes wins, so neither a peer
   * answering with a back-dated rival nor many peers of one block can outvote the others; a tie
   * is `CONTESTED`, never settled by an earlier `created`. Among one holder's records,
   * selection picks the newest.
   */
  private async lookUp(root: string, rootKey: Uint8Array): Promise<RootAnswer> {
    const { limits, validRoot } = this.init
    const valid: Array<{ value: Uint8Array; holder: string; server: string; block: string }> = []
    for (const answer of await this.answers(rootKey)) {
      const record = await validRoot(answer.value, rootKey)
      if (record !== undefined) valid.push({ ...answer, holder: toHex(record.holder) })
    }
    const { winner, counts } = countHolderVotes(valid)
    let best: RootAnswer
    if (counts.length === 0) best = undefined
    else if (winner === undefined) best = CONTESTED
    else {
      const values = valid.filter((a) => a.holder === winner).map((a) => a.value)
      best =
        values[selectRecord(values, { key: rootKey, trustedRegistrars: this.init.registrars() })]
    }
    const now = this.init.now()
    const until =
      best === undefined || best === CONTESTED
        ? now + limits.negativeTtlMs
        : Math.min(
            now + limits.positiveTtlMs,
            decodeRecord(best).body.expires - C.ROOT_CACHE_EXPIRY_MARGIN_MS,
          )
    if (until > now && limits.cacheSize > 0) {
      this.cache.delete(root)
      while (this.cache.size >= limits.cacheSize) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(root, { value: best, until })
    }
    return best
  }
}
