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
import { chooseRecord } from './choose-record.ts'
import { getCandidates } from './dht-records.ts'
import {
  CnameLoopError,
  NameContestedError,
  NameNotFoundError,
  NameRevokedError,
  OwnerKeyChangedError,
} from './errors.ts'
import { earlyRecord, settleEarly, tellLookupError, type EarlyContext } from './relay-first.ts'
import type { LookedUp, ResolvedName, ResolveOptions, ResolverInit } from './resolver-types.ts'
import { findRevocation } from './revocations.ts'

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

  private async resolveLookedUp(name: string, options: ResolveOptions): Promise<LookedUp> {
    if (options.fresh !== true) {
      const cached = await this.fromCache(name, options.signal)
      if (cached !== undefined) return cached
    }
    return this.lookup(name, options.signal, options.fresh === true)
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
      await this.throwIfRevoked(name, await revocation)
      throw err
    }
    await this.throwIfRevoked(name, await revocation, one.record)
    return one
  }

  /** Throws `NameRevokedError` (and forgets the cached record) when `revocation` covers `name` (and `record`'s content). */
  private async throwIfRevoked(
    name: string,
    revocation: SignedRevocation | undefined,
    record?: SignedRecord,
  ): Promise<void> {
    if (revocation === undefined) return
    const { roots } = revocation.body
    const content = record?.body.content
    const whole = roots.length === 0
    if (!whole && (content === undefined || !roots.some((root) => root.equals(content)))) return
    await this.init.storage.records.deleteCachedRecord(name)
    throw new NameRevokedError(name, revocation.body.name, revocation.body.issued)
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
    const full = this.lookupServers(name, key, rootRecord, signal)
    // `vote`: the servers' choice only (a fresh resolve), with their disagreement reported.
    const connections = vote ? [] : (this.init.relayConnections?.() ?? [])
    if (connections.length === 0) return full
    const settled = full.then(
      (one) => ({ one }),
      (error: unknown) => ({ error }),
    )
    const early = await Promise.race([
      earlyRecord(this.earlyContext(), { name, key, rootRecord, signal }, connections),
      settled.then(() => undefined),
    ])
    if (early === undefined) {
      const result = await settled
      if ('error' in result) throw result.error
      return result.one
    }
    void settled.then(async (result) => {
      const record = 'one' in result ? result.one.record : undefined
      const checked = await this.throwIfRevoked(
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

  /** kad-dht's look-up of `name`: the servers' records, chosen by pin or vote, pinned and cached. */
  private async lookupServers(
    name: string,
    key: Uint8Array,
    rootRecord: SignedRecord | undefined,
    signal?: AbortSignal,
  ): Promise<LookedUp> {
    const candidates = await getCandidates(this.init.dht, key, {
      signal,
      timeoutMs: DHT_GET_TIMEOUT_MS,
      ...(this.init.blockOf === undefined ? {} : { blockOf: this.init.blockOf }),
    })
    const { valid, refusal } = await validCandidates(name, candidates, {
      now: this.init.now(),
      trustedRegistrars: this.init.trustedRegistrars,
      rootRecord,
    })
    if (valid.length === 0) {
      // Only refused copies: say why (an unauthorised signer, an unregistered name...).
      if (refusal !== undefined) throw refusal
      throw new NameNotFoundError(name)
    }
    const { pins, records } = this.init.storage
    const now = this.init.now()
    const pin = await pins.getPin(name)
    const options = { key, trustedRegistrars: this.init.trustedRegistrars }
    const choice = chooseRecord(
      name,
      valid,
      pin === undefined ? options : { ...options, pinned: pin.holder },
    )
    if (choice.conflict !== undefined)
      this.init.events.dispatchEvent(new CustomEvent('conflict', { detail: choice.conflict }))
    if (choice.tied !== undefined) {
      // No majority and no pin: pin nobody, let the person pick (acceptKeyChange).
      for (const offer of choice.tied)
        this.offered.set(this.offeredId(rootSiteName(name), offer.holder), offer.record)
      throw new NameContestedError(name, choice.tied)
    }
    if (pin !== undefined && choice.record === undefined) {
      const unpinned = chooseRecord(name, valid, options)
      const offered = unpinned.record ?? unpinned.tied![0].record
      throw this.keyChanged(name, pin.holder, offered)
    }
    let best = choice.record!
    if (pin === undefined) {
      try {
        await pins.pin(name, best.holder, now)
      } catch (err) {
        if ((err as Error).name !== 'PinMismatchError') throw err
        const { pinned: holder } = err as { pinned: Uint8Array }
        throw this.keyChanged(name, holder, best)
      }
    }
    if (!(await records.putCachedRecord(name, best.bytes, now))) {
      // the cache holds a newer record of this holder than any server sent: keep using it
      const cached = await records.getCachedRecord(name)
      if (cached !== undefined)
        best = await this.validate(cached.bytes, name, rootRecord).catch(() => best)
    }
    return {
      record: best,
      fromCache: false,
      receivedAt: now,
      ...(choice.conflict === undefined ? {} : { conflict: choice.conflict }),
    }
  }

  private earlyContext(): EarlyContext {
    const { storage, now } = this.init
    return {
      storage,
      now,
      validate: (bytes, name, rootRecord) => this.validate(bytes, name, rootRecord),
    }
  }

  private keyChanged(name: string, pinned: Uint8Array, record: SignedRecord): OwnerKeyChangedError {
    this.offered.set(this.offeredId(rootSiteName(name), record.holder), record)
    return new OwnerKeyChangedError(name, pinned, record.holder, record)
  }
}
