/**
 * The current valid record of a site, as the relay judges it: its own store first, else a
 * bounded DHT look-up, each value checked by the relay's record policy (signature, expiry,
 * registration, revocation, blocked content) before it counts. Answers, found or not, are kept
 * for a short time; concurrent questions about one name share one look-up, and look-ups of
 * distinct names at once are bounded.
 * @module
 */
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { decodeRecord, dhtKey, selectRecord, type SignedRecord } from '@alternet/core/records'
import { SharedLookups } from '@alternet/core/contracts'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import type { RelayNode } from '../node.ts'
import type { GuardedDatastore, RecordPolicy } from '../record-store.ts'
import {
  DNS_CACHE_SIZE,
  DNS_NEGATIVE_TTL_S,
  MAX_DNS_ANSWER_TTL_S,
  MAX_DNS_LOOKUPS,
} from './constants.ts'

/** A site's record as found: the decoded record and its envelope bytes. */
export interface FoundSite {
  record: SignedRecord
  value: Uint8Array
}

/** Thrown when too many distinct names are being looked up at once. */
export class LookupBusyError extends Error {
  override name = 'LookupBusyError'
}

/** What the look-up reads. */
export interface SiteLookupInit {
  store: Pick<GuardedDatastore, 'peekRecord'>
  policy: Pick<RecordPolicy, 'isServable'>
  node: Pick<RelayNode, 'services'>
  /** Longest a DHT look-up runs. */
  timeoutMs: number
  /**
   * Whether the DHT knows any other server to ask. When it knows none, a name the store does
   * not hold is answered at once as not found, instead of after a look-up that waits its whole
   * timeout for a server to appear. @default always
   */
  canAsk?: () => boolean
  /** Registrars whose registrations count in selection (the relay's trusted ones). */
  registrars?: () => readonly Uint8Array[]
  /** @default Date.now */
  now?: () => number
}

interface Cached {
  found: FoundSite | undefined
  until: number
}

/** Looks up sites' current records, with a small cache. */
export class SiteLookup {
  private readonly init: SiteLookupInit
  private readonly now: () => number
  private readonly cache = new Map<string, Cached>()
  private readonly lookups = new SharedLookups<FoundSite | undefined>()

  constructor(init: SiteLookupInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /**
   * The site's current valid record, or undefined when the network holds none. Throws
   * `LookupBusyError` when `MAX_DNS_LOOKUPS` other names are being looked up.
   */
  async find(site: string): Promise<FoundSite | undefined> {
    const cached = this.cache.get(site)
    if (cached !== undefined) {
      const live = cached.found === undefined || this.now() < cached.found.record.body.expires
      if (this.now() < cached.until && live) return cached.found
      this.cache.delete(site)
    }
    if (!this.lookups.has(site) && this.lookups.size >= MAX_DNS_LOOKUPS)
      throw new LookupBusyError('Too many names are being looked up at once.')
    return this.lookups.run(site, () => this.lookUpAndKeep(site))
  }

  /** Forgets what is known of a site (a new record was stored, a revocation applied). */
  forget(site?: string): void {
    if (site === undefined) this.cache.clear()
    else this.cache.delete(site)
  }

  /** One look-up, shared by every question for the name meanwhile; its answer is cached. */
  private async lookUpAndKeep(site: string): Promise<FoundSite | undefined> {
    const found = await this.lookUp(site)
    const ttl =
      found === undefined
        ? DNS_NEGATIVE_TTL_S
        : Math.min(found.record.body.ttl, MAX_DNS_ANSWER_TTL_S)
    if (this.cache.size >= DNS_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(site, { found, until: this.now() + ttl * 1000 })
    return found
  }

  private async lookUp(site: string): Promise<FoundSite | undefined> {
    const key = await dhtKey(site)
    const local = await this.init.store.peekRecord(
      new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false),
    )
    if (local !== undefined && (await this.init.policy.isServable(key, local)))
      return { record: decodeRecord(local), value: local }
    if (this.init.canAsk?.() === false) return undefined
    const values: Uint8Array[] = []
    try {
      for await (const event of this.init.node.services.dht.get(key, {
        signal: AbortSignal.timeout(this.init.timeoutMs),
      })) {
        if (event.name !== 'VALUE') continue
        if (await this.init.policy.isServable(key, event.value)) values.push(event.value)
      }
    } catch {
      // Timed out, or no peer holds it: what was found so far.
    }
    if (values.length === 0) return undefined
    const best =
      values[selectRecord(values, { key, trustedRegistrars: this.init.registrars?.() ?? [] })]
    return { record: decodeRecord(best), value: best }
  }
}
