/**
 * The guard in front of kad-dht's storage. js kad-dht's PUT handler writes a record straight
 * into the datastore without running the selector (js-libp2p issue 3377), so an older valid
 * record could replace a newer one and any key could take over a live name. Every libp2p
 * component writes through this datastore, so the guard sees each write of a DHT record or
 * provider record, asks the `RecordPolicy` whether it may replace what is stored, and keeps
 * the store within its size, its quotas and its eviction policy. Quotas count per sending peer
 * ID and per source (the peer's address block: fresh peer IDs cost nothing, addresses do), and
 * a source may add only so many new names a minute. A share of the store
 * (`STORE_GROWTH_RESERVE`) is kept for names already stored, so they can still grow when new
 * names no longer fit. A full store evicts expired records and provider records, oldest first;
 * then, under the `heaviest` policy, the newest records of the source holding the most bytes
 * (never the writer's own source, and only while it holds more than the writer would), so a
 * flood from a few sources costs those sources their newest records rather than freezing the
 * store for everyone; a write that still does not fit is refused (`store-full`). While the
 * disk is full (disk-room.ts) records and provider records are refused (`disk-full`), and a
 * record whose flush meets a full disk is taken back. Other keys (peer store, keychain) pass
 * through untouched.
 * @module
 */
import { equals } from '@alternet/core/bytes'
import { Libp2pRecord } from '@libp2p/record'
import { BaseDatastore } from 'datastore-core'
import { base32 } from 'multiformats/bases/base32'
import { Key, type Datastore, type KeyQuery, type Query } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import { DHT_PROVIDER_PREFIX, DHT_RECORD_PREFIX, NEW_NAME_BURST_MINUTES } from './constants.ts'
import { RecordRefusedError } from './errors.ts'
import { KeyLocks } from './key-locks.ts'
import { NewNameRate, StoreAccounting, type Entry } from './store-accounting.ts'
import { storedEntries } from './store-load.ts'
import type { GuardEvents, RecordPolicy, StoreLimits, StoreStats } from './store-types.ts'
import { currentSender, putSender, senderKey, type Sender } from './record-senders.ts'
import { makeRoom, type RoomContext } from './store-room.ts'
import { DISK_FULL_MESSAGE, isDiskFull, type DiskRoom } from './disk-room.ts'

export type { GuardEvents, RecordPolicy, StoreLimits, StoreStats } from './store-types.ts'
export { currentSender, runAsSender, type Sender } from './record-senders.ts'

/** Thrown by `get` for an entry the guard no longer serves; kad-dht matches on the name. */
class EntryNotFoundError extends Error {
  override name = 'NotFoundError'
}

/** A store that holds writes back and can be told to write them now (`WriteBehindDatastore`). */
interface Flushable {
  flush(): Promise<void>
}

/** A datastore that guards DHT records and provider records; everything else passes through. */
export class GuardedDatastore extends BaseDatastore {
  private readonly inner: Datastore
  private readonly policy: RecordPolicy
  private readonly events: GuardEvents
  private readonly exempt: Set<string>
  private readonly counts = new StoreAccounting((k) => k.startsWith(DHT_RECORD_PREFIX))
  private readonly entries = this.counts.entries
  private readonly room: RoomContext
  /** The disk's room: while it is full, records are refused as `disk-full`. */
  private readonly disk?: Pick<DiskRoom, 'full'>
  /** Serialises writes per key so two PUTs of one name cannot both pass the check. */
  private readonly locks = new KeyLocks()

  constructor(
    inner: Datastore,
    policy: RecordPolicy,
    limits: StoreLimits,
    events: GuardEvents,
    exemptPeers: Iterable<string> = [],
    disk?: Pick<DiskRoom, 'full'>,
  ) {
    super()
    this.disk = disk
    this.inner = inner
    this.policy = policy
    this.events = events
    this.exempt = new Set(exemptPeers)
    this.room = {
      counts: this.counts,
      limits,
      exempt: this.exempt,
      newNames: new NewNameRate(limits.newNamesPerMinute, NEW_NAME_BURST_MINUTES),
      refuse: (reason, key, peer, message) => this.refuse(reason, key, peer, message),
      evict: (victim) => this.evict(victim),
    }
  }

  /** Reads what the store holds into the size accounting; call once before use. */
  async load(options?: AbortOptions): Promise<void> {
    for (const { key, entry } of await storedEntries(this.inner, this.policy, options))
      this.counts.account(key, entry)
  }

  /** What the store holds now. */
  stats(): StoreStats {
    return {
      records: this.counts.recordCount,
      providers: this.entries.size - this.counts.recordCount,
      bytes: this.counts.bytes,
    }
  }

  /** The DHT keys and values of every stored record (for republishing and sweeping). */
  async *records(options?: AbortOptions): AsyncGenerator<{ dsKey: Key; record: Libp2pRecord }> {
    for await (const { key, value } of this.inner.query({ prefix: DHT_RECORD_PREFIX }, options)) {
      try {
        yield { dsKey: key, record: Libp2pRecord.deserialize(value) }
      } catch {
        await this.delete(key, options)
      }
    }
  }

  /** The peer that sent the record stored under a datastore key; undefined for the relay's own. */
  senderOf(key: Key): string | undefined {
    return this.entries.get(key.toString())?.peer
  }

  /** The record value stored under a datastore key, unchecked; undefined when none. */
  async peekRecord(key: Key, options?: AbortOptions): Promise<Uint8Array | undefined> {
    try {
      return Libp2pRecord.deserialize(await this.inner.get(key, options)).value
    } catch {
      return undefined
    }
  }

  override async put(key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
    if (k.startsWith(DHT_RECORD_PREFIX))
      return this.locks.run(k, () => this.putRecord(key, val, options))
    if (k.startsWith(DHT_PROVIDER_PREFIX))
      return this.locks.run(k, () => this.putProvider(key, val, options))
    return this.inner.put(key, val, options)
  }

  override async get(key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const k = key.toString()
    // Every stored record is accounted for: a name this relay does not hold costs no disk read.
    if (k.startsWith(DHT_RECORD_PREFIX) && !this.entries.has(k))
      throw new EntryNotFoundError(`${k} is not stored`)
    const value = await this.inner.get(key, options)
    if (k.startsWith(DHT_RECORD_PREFIX)) {
      const record = Libp2pRecord.deserialize(value)
      if (!(await this.policy.isServable(record.key, record.value))) {
        await this.delete(key, options)
        throw new EntryNotFoundError(`${k} is no longer served`)
      }
    }
    return value
  }

  override has(key: Key, options?: AbortOptions): Promise<boolean> | boolean {
    return this.inner.has(key, options)
  }

  override async delete(key: Key, options?: AbortOptions): Promise<void> {
    const k = key.toString()
    await this.inner.delete(key, options)
    if (this.entries.has(k)) {
      this.counts.unaccount(k)
      if (k.startsWith(DHT_RECORD_PREFIX)) await this.inner.delete(senderKey(k), options)
    }
  }

  override query(q: Query, options?: AbortOptions): ReturnType<Datastore['query']> {
    return this.inner.query(q, options)
  }

  override queryKeys(q: KeyQuery, options?: AbortOptions): ReturnType<Datastore['queryKeys']> {
    return this.inner.queryKeys(q, options)
  }

  private async putRecord(key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
    let who = currentSender()
    const peer = who?.peer
    let incoming: Libp2pRecord
    try {
      incoming = Libp2pRecord.deserialize(val)
    } catch {
      throw this.refuse('malformed', k, peer, 'not a DHT record')
    }
    let current: Uint8Array | undefined
    let currentRaw: Uint8Array | undefined
    // A name not accounted for is not stored: no read for a new name.
    if (this.entries.has(k)) {
      try {
        currentRaw = await this.inner.get(key, options)
        current = Libp2pRecord.deserialize(currentRaw).value
      } catch {
        current = currentRaw = undefined
      }
    }
    // The relay's own writes (kad-dht stores each record it republishes locally first) carry no
    // sender: the same bytes stay charged to the peer that sent them, so a republish round
    // cannot free that peer's quota.
    const previous = this.entries.get(k)
    // A new name from a source past its new-name allowance is refused before the policy, whose
    // DHT look-up of a name not held here would otherwise cost the relay for every one.
    const source = who?.source
    if (previous === undefined && source && who?.peer !== undefined && !this.exempt.has(who.peer))
      if (!this.room.newNames.has(source))
        throw this.refuse('rate', k, peer, `${source} is adding new names too fast`)
    if (who == null && current !== undefined && equals(current, incoming.value))
      who =
        previous?.peer == null ? undefined : { peer: previous.peer, source: previous.source ?? '' }
    try {
      await this.policy.checkPut(incoming.key, incoming.value, current)
    } catch (err) {
      if (err instanceof RecordRefusedError) throw this.refuse(err.reason, k, peer, err.message)
      throw err
    }
    if (await this.disk?.full()) throw this.refuse('disk-full', k, peer, DISK_FULL_MESSAGE)
    await this.makeRoom(k, k.length + val.length, who, true)
    await this.inner.put(key, val, options)
    if (who != null) await putSender(this.inner, k, who, options)
    else if (previous?.peer != null) await this.inner.delete(senderKey(k), options)
    this.counts.account(k, {
      size: k.length + val.length,
      peer: who?.peer,
      ...(who?.source ? { source: who.source } : {}),
      protectedUntil: this.policy.protectedUntil(incoming.key, incoming.value),
    })
    // A record is acknowledged only once it is on disk: a write-behind store flushes now
    // (with whatever else is pending, in one batch), so a crash loses no accepted record.
    const flush = (this.inner as Partial<Flushable>).flush
    try {
      if (typeof flush === 'function') await flush.call(this.inner)
    } catch (err) {
      if (!isDiskFull(err)) throw err
      // Not on disk, so not taken: what was stored before comes back (written once there is room).
      await this.restore(key, currentRaw, previous, options)
      throw this.refuse('disk-full', k, peer, DISK_FULL_MESSAGE)
    }
    return key
  }

  /** Puts back the record (or its absence) and its sender as they were before a refused write. */
  private async restore(
    key: Key,
    raw: Uint8Array | undefined,
    previous: Entry | undefined,
    options?: AbortOptions,
  ): Promise<void> {
    const k = key.toString()
    if (raw === undefined || previous === undefined) {
      await this.inner.delete(key, options)
      await this.inner.delete(senderKey(k), options)
      this.counts.unaccount(k)
      return
    }
    await this.inner.put(key, raw, options)
    if (previous.peer == null) await this.inner.delete(senderKey(k), options)
    else
      await putSender(
        this.inner,
        k,
        { peer: previous.peer, source: previous.source ?? '' },
        options,
      )
    this.counts.account(k, previous)
  }

  private async putProvider(key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
    const parts = k.slice(DHT_PROVIDER_PREFIX.length).split('/')
    const peer = parts[1]
    let multihash: Uint8Array | undefined
    try {
      multihash = base32.baseDecode(parts[0])
    } catch {
      multihash = undefined
    }
    if (multihash == null || peer == null)
      throw this.refuse('malformed', k, peer, 'not a provider key')
    if (this.policy.isBlockedMultihash(multihash))
      throw this.refuse('blocked', k, peer, 'the content is blocked on this relay')
    const who = currentSender()
    if (await this.disk?.full()) throw this.refuse('disk-full', k, peer, DISK_FULL_MESSAGE)
    await this.makeRoom(k, k.length + val.length, who ?? { peer, source: '' }, false)
    await this.inner.put(key, val, options)
    this.counts.account(k, {
      size: k.length + val.length,
      peer,
      ...(who?.source ? { source: who.source } : {}),
    })
    return key
  }

  /** Makes room for `size` bytes under `k` from `who` (store-room.ts), or throws `RecordRefusedError`. */
  private makeRoom(
    k: string,
    size: number,
    who: Sender | undefined,
    isRecord: boolean,
  ): Promise<void> {
    return makeRoom(this.room, k, size, who, isRecord)
  }

  private async evict(victim: string): Promise<void> {
    await this.delete(new Key(victim, false))
    this.events.evicted(victim)
  }

  private refuse(
    reason: string,
    key: string,
    peer: string | undefined,
    message: string,
  ): RecordRefusedError {
    this.events.refused(reason, key, peer)
    return new RecordRefusedError(reason, message)
  }
}
