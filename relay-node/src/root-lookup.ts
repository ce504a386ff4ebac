/**
 * The relay's DHT look-ups of root names it does not hold, for the record policy: what the
 * network holds a name for, decided by a vote of address blocks (each block one vote, for the
 * holder most of its servers returned; `countHolderVotes`), so many peer IDs from one machine or
 * network cannot outvote the servers elsewhere. Results are cached (found and not found), shared
 * by concurrent writes under the same root, and bounded in number, so a flood of writes of names
 * or under roots nobody holds costs one look-up per root and never more than `maxConcurrent` at
 * once. Each finding also carries how the blocks of the servers closest to the name voted for
 * its holder and for holding nothing (absent-votes.ts); a look-up cut short that found nothing
 * is not cached and falls back to the holder last found. See docs/PROTOCOL.md ("The name DHT",
 * "Counting servers").
 * @module
 */
import { toHex } from '@alternet/core/bytes'
import { countHolderVotes, decodeRecord, dhtKey, selectRecord } from '@alternet/core/records'
import type { SignedRecord } from '@alternet/core/records'
import { SharedLookups } from '@alternet/core/contracts'
import { countAbsentVotes, HOLDS_NONE, type SurveyAnswer } from './absent-votes.ts'
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
  /** The same answers, the servers that answered holding no record, and whether the look-up ran to its end. */
  survey?(key: Uint8Array, signal: AbortSignal): Promise<NetworkSurvey>
}

/** One DHT look-up in full: what `answers` gives, and what it leaves out. */
export interface NetworkSurvey {
  answers: NetworkAnswer[]
  /** Servers that answered without a record (peer ID text, address block). */
  without: Array<{ server: string; block: string }>
  /** False when the look-up was cut short (timed out or failed) before it reached the closest servers. */
  complete: boolean
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

/** One DHT look-up from `source` in full; a source without `survey` gives its answers as complete. */
export async function networkSurvey(
  source: RootRecordSource,
  key: Uint8Array,
  signal: AbortSignal,
): Promise<NetworkSurvey> {
  if (source.survey !== undefined) return source.survey(key, signal)
  const answers = await networkAnswers(source, key, signal)
  return { answers, without: [], complete: !signal.aborted }
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

/**
 * What a look-up found, for the check of a root name the relay does not hold: the answer, and
 * how the blocks of the servers closest to the name voted (absent-votes.ts): for the answer's
 * holder, and for holding none.
 */
export interface RootFinding {
  value: RootAnswer
  /** Votes of the closest servers' blocks for the holder of `value` (0 when it is no record). */
  holderVotes: number
  /** Votes of the closest servers' blocks for holding no record of the name. */
  absentVotes: number
}

/** A cached root look-up, reused until `until`; past it, the last holder the relay knows. */
interface RootCacheEntry {
  finding: RootFinding
  until: number
}

const NOTHING: RootFinding = { value: undefined, holderVotes: 0, absentVotes: 0 }

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
  /** Look-up results by root name, least recently used first (kept past `until` as the holder last known). */
  private readonly cache = new Map<string, RootCacheEntry>()
  private cacheFor: readonly Uint8Array[] = []
  /** DHT look-ups in flight by root name: concurrent writes under one root share one. */
  private readonly lookups = new SharedLookups<RootFinding>()

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
    return (await this.findHolder(root)).value
  }

  /** `find`, with the votes of the servers closest to the name (the relay's own record: one vote, no absence). */
  async findHolder(root: string): Promise<RootFinding> {
    if (this.source === undefined) return NOTHING
    const { validRoot, events, limits } = this.init
    const rootKey = await dhtKey(root)
    const local = await this.source.local(rootKey).catch(() => undefined)
    if (local !== undefined && (await validRoot(local, rootKey)) !== undefined)
      return { value: local, holderVotes: 1, absentVotes: 0 }
    const registrars = this.init.registrars()
    if (registrars !== this.cacheFor) {
      this.cache.clear()
      this.cacheFor = registrars
    }
    const cached = this.cache.get(root)
    if (cached !== undefined) {
      this.cache.delete(root)
      this.cache.set(root, cached)
      const { value } = cached.finding
      if (this.init.now() < cached.until) {
        if (value === undefined || value === CONTESTED) {
          events.shared('cached-not-found')
          return cached.finding
        }
        if ((await validRoot(value, rootKey)) !== undefined) {
          events.shared('cached-found')
          return cached.finding
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

  /**
   * One DHT look-up of a root name's record; caches what it finds, or that it found none. Among
   * different holders the one with the most address blocks' votes wins, so neither a peer
   * answering with a back-dated rival nor many peers of one block can outvote the others; a tie
   * is `CONTESTED`, never settled by an earlier `created`. Among one holder's records,
   * selection picks the newest. A look-up cut short that found nothing is no finding: the
   * holder the relay last knew (a cached finding past its time, its record still valid) stands,
   * else nothing, and neither is cached as found.
   */
  private async lookUp(root: string, rootKey: Uint8Array): Promise<RootFinding> {
    const { limits, validRoot } = this.init
    const signal = AbortSignal.timeout(limits.timeoutMs)
    const survey = await networkSurvey(this.source!, rootKey, signal).catch((): NetworkSurvey => ({
      answers: [],
      without: [],
      complete: false,
    }))
    const valid: Array<{ value: Uint8Array; holder: string; server: string; block: string }> = []
    const votes: SurveyAnswer[] = survey.without.map((w) => ({ ...w, holder: HOLDS_NONE }))
    for (const answer of survey.answers) {
      const record = await validRoot(answer.value, rootKey)
      const holder = record === undefined ? HOLDS_NONE : toHex(record.holder)
      if (record !== undefined) valid.push({ ...answer, holder })
      votes.push({ server: answer.server, block: answer.block, holder })
    }
    if (!survey.complete && valid.length === 0) return this.lastKnown(root, rootKey)
    const { winner, counts } = countHolderVotes(valid)
    const closest = countAbsentVotes(rootKey, votes)
    let finding: RootFinding
    if (counts.length === 0) finding = { ...NOTHING, absentVotes: closest.absent }
    else if (winner === undefined) finding = { ...NOTHING, value: CONTESTED }
    else {
      const values = valid.filter((a) => a.holder === winner).map((a) => a.value)
      const value =
        values[selectRecord(values, { key: rootKey, trustedRegistrars: this.init.registrars() })]
      finding = { value, holderVotes: closest.votes(winner), absentVotes: closest.absent }
    }
    const { value } = finding
    const now = this.init.now()
    const until =
      value === undefined || value === CONTESTED
        ? now + limits.negativeTtlMs
        : Math.min(
            now + limits.positiveTtlMs,
            decodeRecord(value).body.expires - C.ROOT_CACHE_EXPIRY_MARGIN_MS,
          )
    if (until > now && limits.cacheSize > 0 && (survey.complete || valid.length > 0)) {
      this.cache.delete(root)
      while (this.cache.size >= limits.cacheSize) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(root, { finding, until })
    }
    return finding
  }

  /** The record of the holder the relay last found for `root`, when still valid; else nothing. */
  private async lastKnown(root: string, rootKey: Uint8Array): Promise<RootFinding> {
    const known = this.cache.get(root)?.finding
    if (known === undefined || known.value === undefined || known.value === CONTESTED)
      return NOTHING
    return (await this.init.validRoot(known.value, rootKey)) !== undefined ? known : NOTHING
  }
}
