/**
 * The guard in front of kad-dht's storage. js kad-dht's PUT handler writes a record straight
 * into the datastore without running the selector (js-libp2p issue 3377), so an older valid
 * record could replace a newer one and any key could take over a live name. Every libp2p
 * component writes through this datastore, so the guard sees each write of a DHT record or
 * provider record, asks the `RecordPolicy` whether it may replace what is stored, and keeps
 * the store within its size, per-peer quota and eviction policy. A live name record is never
 * evicted to make room: a full store evicts expired records and provider records, oldest
 * first, and refuses a write it still has no room for (`store-full`), so filling the store
 * cannot flush the record that holds a name for its key. Other keys (peer store,
 * keychain) pass through untouched.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { equals } from '../../src/core/bytes.ts'
import { Libp2pRecord } from '@libp2p/record'
import { BaseDatastore } from 'datastore-core'
import { base32 } from 'multiformats/bases/base32'
import { Key, type Datastore, type KeyQuery, type Query } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import { DHT_PROVIDER_PREFIX, DHT_RECORD_PREFIX, RELAY_STATE_PREFIX } from './constants.ts'
import { RecordRefusedError } from './errors.ts'
import type { EvictionPolicy } from './config.ts'

/** Prefix of the sidecar entries naming the peer that sent each stored record. */
const SENDER_PREFIX = `${RELAY_STATE_PREFIX}sender/`

/** Thrown by `get` for an entry the guard no longer serves; kad-dht matches on the name. */
class EntryNotFoundError extends Error {
  override name = 'NotFoundError'
}

/** Decides what may be stored and served under the `an` namespace and beyond. */
export interface RecordPolicy {
  /**
   * Throws `RecordRefusedError` when `incoming` (a record value) may not be stored under the DHT
   * `key`, given the value stored there now (`current`, when any).
   */
  checkPut(key: Uint8Array, incoming: Uint8Array, current: Uint8Array | undefined): Promise<void>
  /** Whether a stored record value may still be served (not expired, revoked or blocked). */
  isServable(key: Uint8Array, value: Uint8Array): Promise<boolean>
  /**
   * Until when (ms since the epoch) a stored record may not be evicted to make room: a name
   * record's `expires`. Undefined for entries that may be evicted at any time.
   */
  protectedUntil(key: Uint8Array, value: Uint8Array): number | undefined
  /** Whether provider records for this multihash (a blocked content root) are refused. */
  isBlockedMultihash(multihash: Uint8Array): boolean
}

/** Limits of the store. */
export interface StoreLimits {
  /** Total bytes of records and provider records. */
  maxBytes: number
  /** Bytes of records one sending peer may occupy. */
  peerQuota: number
  /** What a full store does with a new entry: `oldest` evicts what may be evicted, oldest first; `refuse` refuses. */
  evictionPolicy: EvictionPolicy
}

/** Who sent the write being handled: set around inbound DHT streams (see `runAsPeer`). */
const sender = new AsyncLocalStorage<string>()

/** Runs `fn` with `peer` as the sender of every store write it causes. */
export function runAsPeer<T>(peer: string, fn: () => T): T {
  return sender.run(peer, fn)
}

interface Entry {
  size: number
  peer: string | undefined
  /** A live name record: never evicted before this time (ms since the epoch). */
  protectedUntil?: number
}

/** Counts of what the store holds. */
export interface StoreStats {
  records: number
  providers: number
  bytes: number
}

/** Callbacks for the relay's metrics and logs. */
export interface GuardEvents {
  refused(reason: string, key: string, peer: string | undefined): void
  evicted(key: string): void
}

/** A datastore that guards DHT records and provider records; everything else passes through. */
export class GuardedDatastore extends BaseDatastore {
  private readonly inner: Datastore
  private readonly policy: RecordPolicy
  private readonly limits: StoreLimits
  private readonly events: GuardEvents
  private readonly exempt: Set<string>
  /** Records and providers by datastore key, oldest write first (Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>()
  private readonly perPeer = new Map<string, number>()
  private bytes = 0
  private recordCount = 0
  /** Serialises writes per key so two PUTs of one name cannot both pass the check. */
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor(
    inner: Datastore,
    policy: RecordPolicy,
    limits: StoreLimits,
    events: GuardEvents,
    exemptPeers: Iterable<string> = [],
  ) {
    super()
    this.inner = inner
    this.policy = policy
    this.limits = limits
    this.events = events
    this.exempt = new Set(exemptPeers)
  }

  /** Reads what the store holds into the size accounting; call once before use. */
  async load(options?: AbortOptions): Promise<void> {
    const senders = new Map<string, string>()
    for await (const { key, value } of this.inner.query({ prefix: SENDER_PREFIX }, options)) {
      senders.set(
        DHT_RECORD_PREFIX + key.toString().slice(SENDER_PREFIX.length),
        new TextDecoder().decode(value),
      )
    }
    const found: Array<{ key: string; time: number; entry: Entry }> = []
    for await (const { key, value } of this.inner.query({ prefix: DHT_RECORD_PREFIX }, options)) {
      const k = key.toString()
      let time = 0
      let protectedUntil: number | undefined
      try {
        const record = Libp2pRecord.deserialize(value)
        time = record.timeReceived.getTime()
        protectedUntil = this.policy.protectedUntil(record.key, record.value)
      } catch {
        // An unreadable entry is still counted, and evicted first.
      }
      found.push({
        key: k,
        time,
        entry: { size: k.length + value.length, peer: senders.get(k), protectedUntil },
      })
    }
    for await (const { key, value } of this.inner.query({ prefix: DHT_PROVIDER_PREFIX }, options)) {
      const k = key.toString()
      found.push({
        key: k,
        time: readVarint(value),
        entry: { size: k.length + value.length, peer: k.slice(k.lastIndexOf('/') + 1) },
      })
    }
    found.sort((a, b) => a.time - b.time)
    for (const { key, entry } of found) this.account(key, entry)
  }

  /** What the store holds now. */
  stats(): StoreStats {
    return {
      records: this.recordCount,
      providers: this.entries.size - this.recordCount,
      bytes: this.bytes,
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
      return this.locked(k, () => this.putRecord(key, val, options))
    if (k.startsWith(DHT_PROVIDER_PREFIX))
      return this.locked(k, () => this.putProvider(key, val, options))
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
      this.unaccount(k)
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
    let peer = sender.getStore()
    let incoming: Libp2pRecord
    try {
      incoming = Libp2pRecord.deserialize(val)
    } catch {
      throw this.refuse('malformed', k, peer, 'not a DHT record')
    }
    let current: Uint8Array | undefined
    // A name not accounted for is not stored: no read for a new name.
    if (this.entries.has(k)) {
      try {
        current = Libp2pRecord.deserialize(await this.inner.get(key, options)).value
      } catch {
        current = undefined
      }
    }
    // The relay's own writes (kad-dht stores each record it republishes locally first) carry no
    // sender: the same bytes stay charged to the peer that sent them, so a republish round
    // cannot free that peer's quota.
    if (peer == null && current !== undefined && equals(current, incoming.value))
      peer = this.entries.get(k)?.peer
    try {
      await this.policy.checkPut(incoming.key, incoming.value, current)
    } catch (err) {
      if (err instanceof RecordRefusedError) throw this.refuse(err.reason, k, peer, err.message)
      throw err
    }
    await this.makeRoom(k, k.length + val.length, peer)
    await this.inner.put(key, val, options)
    if (peer != null) await this.inner.put(senderKey(k), new TextEncoder().encode(peer), options)
    else if (this.entries.get(k)?.peer != null) await this.inner.delete(senderKey(k), options)
    this.account(k, {
      size: k.length + val.length,
      peer,
      protectedUntil: this.policy.protectedUntil(incoming.key, incoming.value),
    })
    return key
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
    await this.makeRoom(k, k.length + val.length, peer)
    await this.inner.put(key, val, options)
    this.account(k, { size: k.length + val.length, peer })
    return key
  }

  /**
   * Evicts (or refuses) until `size` more bytes from `peer` fit; throws `RecordRefusedError`.
   * Only expired records and provider records are evicted, oldest first; a live name record
   * stays, and a write that still does not fit is refused (`store-full`).
   */
  private async makeRoom(k: string, size: number, peer: string | undefined): Promise<void> {
    const previous = this.entries.get(k)
    const growth = size - (previous?.size ?? 0)
    if (peer != null && !this.exempt.has(peer)) {
      const used = (this.perPeer.get(peer) ?? 0) - (previous?.peer === peer ? previous.size : 0)
      if (used + size > this.limits.peerQuota)
        throw this.refuse('quota', k, peer, `peer ${peer} has used its store quota`)
    }
    if (this.bytes + growth <= this.limits.maxBytes) return
    if (this.limits.evictionPolicy === 'refuse')
      throw this.refuse('store-full', k, peer, 'the store is full')
    const now = Date.now()
    for (const [victim, entry] of this.entries) {
      if (this.bytes + growth <= this.limits.maxBytes) break
      if (victim === k) continue
      if (entry.protectedUntil !== undefined && entry.protectedUntil > now) continue
      await this.delete(new Key(victim, false))
      this.events.evicted(victim)
    }
    if (this.bytes + growth > this.limits.maxBytes)
      throw this.refuse('store-full', k, peer, 'the store is full of live name records')
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

  private account(k: string, entry: Entry): void {
    this.unaccount(k)
    this.entries.set(k, entry)
    this.bytes += entry.size
    if (k.startsWith(DHT_RECORD_PREFIX)) this.recordCount++
    if (entry.peer != null)
      this.perPeer.set(entry.peer, (this.perPeer.get(entry.peer) ?? 0) + entry.size)
  }

  private unaccount(k: string): void {
    const entry = this.entries.get(k)
    if (entry == null) return
    this.entries.delete(k)
    this.bytes -= entry.size
    if (k.startsWith(DHT_RECORD_PREFIX)) this.recordCount--
    if (entry.peer != null) {
      const left = (this.perPeer.get(entry.peer) ?? 0) - entry.size
      if (left > 0) this.perPeer.set(entry.peer, left)
      else this.perPeer.delete(entry.peer)
    }
  }

  private async locked<T>(k: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(k) ?? Promise.resolve()
    const run = before.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.locks.set(k, tail)
    try {
      return await run
    } finally {
      if (this.locks.get(k) === tail) this.locks.delete(k)
    }
  }
}

function senderKey(recordKey: string): Key {
  return new Key(SENDER_PREFIX + recordKey.slice(DHT_RECORD_PREFIX.length), false)
}

function readVarint(bytes: Uint8Array): number {
  let value = 0
  let scale = 1
  for (const b of bytes) {
    value += (b & 0x7f) * scale
    if ((b & 0x80) === 0) break
    scale *= 128
  }
  return value
}
