/**
 * Resolving names: the cache first (while the record's TTL lasts; after that it still answers
 * and a lookup refreshes it in the background), else a DHT lookup. Every record is validated,
 * a subdomain's against its root's record; the holder first seen for a root name is pinned and
 * a record under another key is refused with `OwnerKeyChangedError`; a first lookup where
 * different holders tie is refused with `NameContestedError` and pins nobody; CNAMEs are followed.
 * See docs/PROTOCOL.md (#validation, #selection).
 * @module
 */
import { equals, toHex } from '../../core/bytes.ts'
import { SharedLookups } from '../../core/contracts/index.ts'
import { parseSiteName, rootSiteName } from '../../core/names/index.ts'
import {
  dhtKey,
  validateRecord,
  type SignedRecord,
  type SignedRevocation,
} from '../../core/records/index.ts'
import { DHT_GET_TIMEOUT_MS, MAX_CNAME_DEPTH } from './constants.ts'
import { validCandidates } from './candidates.ts'
import { getCandidates } from './dht-records.ts'
import { CnameLoopError, NameNotFoundError } from './errors.ts'
import { askRelays, EarlyAsks } from './relay-asks.ts'
import { earlyRecord, settleEarly, tellLookupError, type EarlyContext } from './relay-first.ts'
import type { LookedUp, ResolvedName, ResolveOptions, ResolverInit } from './resolver-types.ts'
import { findRevocation, throwIfRevoked } from './revocations.ts'
import { lookupServers, type ServerChoiceContext } from './server-choice.ts'

export type { LookedUp, ResolvedName, ResolveOptions, ResolverInit }

/** Resolves names; one per naming service. */
export class Resolver {
  private readonly init: ResolverInit
  /**
   * Network lookups in flight, by name: concurrent resolves share one, which stops only when
   * every resolve waiting on it was aborted.
   */
  private readonly lookups = new SharedLookups<LookedUp>()
  /** Records offered under a new key, by root and holder: `acceptKeyChange` caches them. */
  private readonly offered = new Map<string, SignedRecord>()
  /** The trusted relays' answers asked for names while the cache is read. */
  private readonly early = new EarlyAsks()

  constructor(init: ResolverInit) {
    this.init = init
  }

  /** Resolves `site` (any spelling), following CNAMEs. */
  async resolve(site: string, options: ResolveOptions = {}): Promise<ResolvedName> {
    const asked = parseSiteName(site).site
    const chain: SignedRecord[] = []
    const names = [asked]
    let fromCache = true
    let name = asked
    for (;;) {
      const one = await this.resolveLookedUp(name, options)
      chain.push(one.record)
      fromCache &&= one.fromCache
      const { body } = one.record
      if (body.type !== 'CNAME' || body.target === undefined) {
        return {
          site: asked,
          record: one.record,
          chain,
          fromCache,
          receivedAt: one.receivedAt,
          ...(one.conflict === undefined ? {} : { conflict: one.conflict }),
        }
      }
      names.push(body.target)
      if (names.indexOf(body.target) !== names.length - 1 || chain.length >= MAX_CNAME_DEPTH)
        throw new CnameLoopError(names)
      name = body.target
    }
  }

  /**
   * A network lookup of a canonical name, cached and pinned; shared by concurrent callers. With
   * `vote`, only the servers' vote answers (no relay's first answer), their disagreement reported.
   */
  lookup(name: string, signal?: AbortSignal, vote = false): Promise<LookedUp> {
    return this.lookups.run(
      vote ? `vote ${name}` : name,
      (shared) => this.lookupUnshared(name, shared, vote),
      signal,
    )
  }

  /**
   * Every valid record the network holds for `name`, no pins: for publishing. A subdomain's
   * records are checked against its root's record (cache or network), so a record claiming
   * another root owner does not count; with no root record, no subdomain record does.
   */
  async networkRecords(name: string, signal?: AbortSignal): Promise<SignedRecord[]> {
    let rootRecord: SignedRecord | undefined
    try {
      rootRecord = await this.rootRecordOf(name, signal)
    } catch (err) {
      if ((err as Error).name !== 'NameNotFoundError') throw err
    }
    const candidates = await getCandidates(this.init.dht, await dhtKey(name), {
      signal,
      timeoutMs: DHT_GET_TIMEOUT_MS,
    })
    const { valid } = await validCandidates(name, candidates, {
      now: this.init.now(),
      trustedRegistrars: this.init.trustedRegistrars,
      rootRecord,
    })
    return valid.map((c) => c.record)
  }

  /** The person accepts `holder` for `site`'s root: re-pin, and cache the record they saw. */
  async acceptKeyChange(site: string, holder: Uint8Array): Promise<void> {
    const root = rootSiteName(parseSiteName(site).site)
    await this.init.storage.pins.replacePin(root, holder, this.init.now())
    for (const [id, record] of this.offered) {
      if (id !== this.offeredId(root, holder)) continue
      this.offered.delete(id)
      try {
        await this.validate(record.bytes, record.body.name)
        await this.init.storage.records.putCachedRecord(
          record.body.name,
          record.bytes,
          this.init.now(),
        )
      } catch {
        // expired meanwhile: the next resolve looks it up
      }
    }
  }

  private offeredId(root: string, holder: Uint8Array): string {
    return `${root} ${toHex(holder)}`
  }

  private async validate(
    bytes: Uint8Array,
    name: string,
    rootRecord?: SignedRecord,
  ): Promise<SignedRecord> {
    return validateRecord(bytes, {
      key: await dhtKey(name),
      now: this.init.now(),
      trustedRegistrars: this.init.trustedRegistrars,
      ...(rootRecord === undefined ? {} : { rootRecord: rootRecord.bytes }),
    })
  }

  /** The root's record for a subdomain (cache or network), or undefined for a root name. */
  private async rootRecordOf(
    name: string,
    signal?: AbortSignal,
  ): Promise<SignedRecord | undefined> {
    const root = rootSiteName(name)
    if (root === name) return undefined
    try {
      return (await this.resolveLookedUp(root, { signal })).record
    } catch (err) {
      if ((err as Error).name === 'NameNotFoundError')
        throw new NameNotFoundError(
          name,
          `"${name}" cannot be trusted: its root "${root}" has no record.`,
          { cause: err },
        )
      throw err
    }
  }

  /**
   * The cache's record, else a look-up. A name the cache has not answered lately has its trusted
   * relays asked while the cache is read (`relay-asks.ts`): the look-up then takes their answers.
   */
  private async resolveLookedUp(name: string, options: ResolveOptions): Promise<LookedUp> {
    if (options.fresh === true) return this.lookup(name, options.signal, true)
    const ahead = this.lookups.has(name)
      ? undefined
      : this.early.ask(name, () => this.init.relayConnections?.() ?? [])
    try {
      const cached = await this.fromCache(name, options.signal)
      if (cached !== undefined) return cached
      const one = await this.lookup(name, options.signal)
      this.early.cached(name)
      return one
    } finally {
      ahead?.done()
    }
  }

  /** The cached record while it is valid and pinned; a background refresh once its TTL passed. */
  private async fromCache(name: string, signal?: AbortSignal): Promise<LookedUp | undefined> {
    const cached = await this.init.storage.records.getCachedRecord(name)
    if (cached === undefined) return undefined
    let record: SignedRecord
    try {
      const rootRecord = await this.rootRecordOf(name, signal)
      record = await this.validate(cached.bytes, name, rootRecord)
    } catch (err) {
      if ((err as Error).name === 'OwnerKeyChangedError') throw err
      return undefined
    }
    const pin = await this.init.storage.pins.getPin(name)
    if (pin !== undefined && !equals(pin.holder, record.holder)) return undefined
    if (this.init.now() - cached.receivedAt >= record.body.ttl * 1000) this.refresh(name)
    this.early.cached(name)
    return { record, fromCache: true, receivedAt: cached.receivedAt }
  }

  /** Looks `name` up in the background; tells `events` what it found. */
  private refresh(name: string): void {
    if (this.lookups.has(name)) return
    this.lookup(name).then(
      (one) =>
        this.init.events.dispatchEvent(
          new CustomEvent('update', { detail: { site: name, record: one.record } }),
        ),
      (err: unknown) => tellLookupError(this.init.events, err),
    )
  }

  /**
   * A network lookup, with relays asked at the same time whether the name is revoked: a
   * revocation that verifies drops the cached record and throws `NameRevokedError`, whether or
   * not the DHT still has a record.
   */
  private async lookupUnshared(
    name: string,
    signal?: AbortSignal,
    vote = false,
  ): Promise<LookedUp> {
    const revocation = findRevocation(this.init.revocations, name, signal)
    let one: LookedUp
    try {
      one = await this.lookupDht(name, revocation, signal, vote)
    } catch (err) {
      await throwIfRevoked(this.init.storage, name, await revocation)
      throw err
    }
    await throwIfRevoked(this.init.storage, name, await revocation, one.record)
    return one
  }

  /**
   * kad-dht's look-up of `name` and, beside it, the node's relays asked at once: the first record
   * a relay sends that verifies answers while the look-up goes on (`relay-first.ts`); what the
   * look-up then caches is dropped again when `revocation` covers it.
   */
  private async lookupDht(
    name: string,
    revocation: Promise<SignedRevocation | undefined>,
    signal?: AbortSignal,
    vote = false,
  ): Promise<LookedUp> {
    const rootRecord = await this.rootRecordOf(name, signal)
    const key = await dhtKey(name)
    const full = lookupServers(this.context(), name, key, rootRecord, signal)
    // `vote`: the servers' choice only (a fresh resolve), with their disagreement reported.
    const connections = vote ? [] : (this.init.relayConnections?.() ?? [])
    // The questions asked while the cache was read, else asked now.
    const asked =
      (vote ? undefined : this.early.take(name)) ??
      (connections.length === 0 ? undefined : askRelays(key, connections, signal))
    if (asked === undefined) return full
    const settled = full.then(
      (one) => ({ one }),
      (error: unknown) => ({ error }),
    )
    const early = await Promise.race([
      earlyRecord(this.context(), { name, rootRecord }, asked),
      settled.then(() => undefined),
    ])
    if (early === undefined) {
      const result = await settled
      if ('error' in result) throw result.error
      return result.one
    }
    void settled.then(async (result) => {
      const record = 'one' in result ? result.one.record : undefined
      const checked = await throwIfRevoked(
        this.init.storage,
        name,
        await revocation.catch(() => undefined),
        record,
      ).then(
        () => result,
        (error: unknown) => ({ error }),
      )
      settleEarly(this.init.events, name, early, checked)
    })
    return early
  }

  /** What the relays' first answer and the servers' choice work with. */
  private context(): EarlyContext & ServerChoiceContext {
    const { storage, now } = this.init
    return {
      init: this.init,
      storage,
      now,
      validate: (bytes, name, rootRecord) => this.validate(bytes, name, rootRecord),
      offer: (name, record) =>
        this.offered.set(this.offeredId(rootSiteName(name), record.holder), record),
    }
  }
}
