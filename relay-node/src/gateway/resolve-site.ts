/**
 * Names to records for the gateway: the relay's own store first (it holds the records put to
 * it, the sites it mirrors among them, each judged by its record policy), else a DHT look-up.
 * Every candidate is validated at the relay's trust settings and chosen as a visitor with no pin
 * chooses (`chooseRecord`: among different holders, one vote per address block), so a server
 * answering with a back-dated rival, or many servers of one block, cannot win; CNAMEs are
 * followed.
 * A record is kept for its TTL, at most `GATEWAY_MAX_AGE_S`; revoked names and blocked roots
 * are refused, checked at every request.
 * @module
 */
import { decodeRevocation, decodeRecord, dhtKey, type SignedRecord } from '@alternet/core/records'
import { chooseRecord } from '@alternet/net/naming/choose-record'
import type { ValidCandidate } from '@alternet/net/naming/candidates'
import {
  CnameLoopError,
  NameContestedError,
  NameNotFoundError,
  NameRevokedError,
} from '@alternet/net/naming/errors'
import { MAX_CNAME_DEPTH } from '@alternet/net/naming/constants'
import { LookupTimeoutError } from '@alternet/net/naming/errors'
import { SharedLookups } from '@alternet/core/contracts'
import { NoContentError } from '@alternet/net/fetch/errors'
import type { Permissions } from '../permissions.ts'
import type { RecordPolicy } from '../record-store.ts'
import { networkAnswers, type RootRecordSource } from '../root-lookup.ts'
import {
  GATEWAY_LOOKUP_TIMEOUT_MS,
  GATEWAY_MAX_AGE_S,
  GATEWAY_RECORD_CACHE_SIZE,
} from './constants.ts'
import { ContentBlockedError } from './errors.ts'

/** What the resolver works with. */
export interface SiteResolverInit {
  /** The relay's store and the DHT (the same source root-record look-ups use). */
  records: RootRecordSource
  policy: Pick<RecordPolicy, 'isServable'>
  permissions: Pick<Permissions, 'registrars' | 'isRevokedName' | 'isBlockedRoot' | 'revocationFor'>
  now?: () => number
}

/** A resolved site: the record that answers for it, with content. */
export interface GatewaySite {
  /** The canonical name asked for. */
  site: string
  /** The final record (after CNAMEs); its `content` is set. */
  record: SignedRecord
  /**
   * Seconds a response may be cached: what is left of the time this relay keeps the records
   * that answered (each record's TTL, at most `GATEWAY_MAX_AGE_S`, never past its expiry), so a
   * browser's copy goes stale when the relay's does, not a TTL later.
   */
  maxAge: number
}

/** A record this relay keeps as a name's answer, until `until` (ms since the epoch). */
interface KeptRecord {
  record: SignedRecord
  until: number
}

/** Resolves names for the gateway. */
export class SiteResolver {
  private readonly init: SiteResolverInit
  private readonly now: () => number
  private readonly cache = new Map<string, KeptRecord>()
  private readonly lookups = new SharedLookups<KeptRecord>()

  constructor(init: SiteResolverInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /**
   * The record of `site` with content, following CNAMEs. Throws `NameNotFoundError`,
   * `NameRevokedError`, `CnameLoopError`, `LookupTimeoutError`, `ContentBlockedError`.
   */
  async resolve(site: string, signal?: AbortSignal): Promise<GatewaySite> {
    const chain: string[] = [site]
    let { record, until } = await this.one(site, signal)
    while (record.body.type === 'CNAME') {
      const target = record.body.target ?? ''
      if (chain.includes(target) || chain.length > MAX_CNAME_DEPTH)
        throw new CnameLoopError([...chain, target])
      chain.push(target)
      const next = await this.one(target, signal)
      record = next.record
      until = Math.min(until, next.until)
    }
    const root = record.body.content
    if (root === undefined)
      throw new NoContentError(`The record of "${site}" points to no content.`)
    if (this.init.permissions.isBlockedRoot(root))
      throw new ContentBlockedError(`This relay does not serve the content of "${site}".`)
    const maxAge = Math.max(0, Math.ceil((until - this.now()) / 1000))
    return { site, record, maxAge }
  }

  /** Drops the cached record of `site` (a newer one arrived live): the next request looks it up. */
  forget(site: string): void {
    this.cache.delete(site)
  }

  private async one(site: string, signal?: AbortSignal): Promise<KeptRecord> {
    this.refuseRevoked(site)
    const cached = this.cache.get(site)
    if (cached !== undefined && cached.until > this.now()) {
      this.cache.delete(site)
      this.cache.set(site, cached)
      return cached
    }
    const kept = await this.lookups.run(site, (shared) => this.lookUp(site, shared), signal)
    this.refuseRevoked(site)
    return kept
  }

  private refuseRevoked(site: string): void {
    if (!this.init.permissions.isRevokedName(site)) return
    const bytes = this.init.permissions.revocationFor(site)
    let revoked = site
    let issued = 0
    if (bytes !== undefined) {
      try {
        const body = decodeRevocation(bytes).body
        revoked = body.name
        issued = body.issued
      } catch {
        // Held as revoked all the same.
      }
    }
    throw new NameRevokedError(site, revoked, issued)
  }

  /**
   * One look-up, shared by every request for the name meanwhile: bounded by its own timeout,
   * and stopped early only when every request waiting on it has gone (`shared`).
   */
  private async lookUp(site: string, shared: AbortSignal): Promise<KeptRecord> {
    const key = await dhtKey(site)
    const local = await this.init.records.local(key)
    if (local !== undefined && (await this.init.policy.isServable(key, local)))
      return this.keep(site, decodeRecord(local))
    const timeout = AbortSignal.timeout(GATEWAY_LOOKUP_TIMEOUT_MS)
    const answers = await networkAnswers(this.init.records, key, AbortSignal.any([timeout, shared]))
    shared.throwIfAborted()
    const candidates: ValidCandidate[] = []
    for (const answer of answers) {
      if (!(await this.init.policy.isServable(key, answer.value))) continue
      const record = decodeRecord(answer.value)
      candidates.push({ record, servers: [answer.server], blocks: [answer.block] })
    }
    if (candidates.length === 0 && timeout.aborted)
      throw new LookupTimeoutError(
        `Looking "${site}" up took longer than ${GATEWAY_LOOKUP_TIMEOUT_MS} ms.`,
      )
    if (candidates.length === 0) throw new NameNotFoundError(site)
    const choice = chooseRecord(site, candidates, {
      key,
      trustedRegistrars: this.init.permissions.registrars,
    })
    if (choice.record === undefined) throw new NameContestedError(site, choice.tied ?? [])
    return this.keep(site, choice.record)
  }

  /**
   * Caches `record` as the answer for `site`, for its TTL (at most `GATEWAY_MAX_AGE_S`) and
   * never past its expiry.
   */
  private keep(site: string, record: SignedRecord): KeptRecord {
    const ttl = Math.min(record.body.ttl, GATEWAY_MAX_AGE_S) * 1000
    const kept = { record, until: Math.min(this.now() + ttl, record.body.expires) }
    this.cache.set(site, kept)
    if (this.cache.size > GATEWAY_RECORD_CACHE_SIZE)
      this.cache.delete(this.cache.keys().next().value as string)
    return kept
  }
}
