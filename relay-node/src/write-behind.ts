/**
 * The relay's on-disk store with its writes gathered into one LevelDB batch every
 * `--store-flush-interval` (200 ms by default) and its hot entries read from memory.
 *
 * Every inbound libp2p stream makes the peer store read and rewrite the sender's entry, and
 * every stored record is one read and two writes more; done one by one, those LevelDB round
 * trips through the thread pool were most of the cost of a DHT put or get. Here a write is
 * visible to every read at once (pending writes are served from memory) and reaches LevelDB's
 * log with the next flush (the guarded record store flushes before it acknowledges a record,
 * see record-store.ts), so a crash or `kill -9` loses at most the other writes of the last flush
 * interval; a clean stop flushes everything. Queries flush first, so they see every write
 * made before them. With an interval of 0 every write goes to LevelDB before it resolves.
 * While the disk is full (disk-room.ts) batches are held back and tried again each interval, and
 * queries read LevelDB with the pending writes laid over it.
 * @module
 */
import { BaseDatastore } from 'datastore-core'
import type { AbortOptions } from '@libp2p/interface'
import { Key, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import type { LevelDatastore } from 'datastore-level'
import { DISK_FULL_MESSAGE, DiskFullError, isDiskFull, type DiskRoom } from './disk-room.ts'

/** Thrown by `get` for a key that is not stored; libp2p matches on the name. */
class EntryNotFoundError extends Error {
  override name = 'NotFoundError'
}

/** Settings of the write-behind store. */
export interface WriteBehindInit {
  /** Longest a write waits before it reaches LevelDB; 0 writes at once. */
  flushInterval: number
  /** Pending bytes that start a flush before the interval is up (and hold writers until it is done). */
  maxPendingBytes?: number
  /** Bytes of recently read or written values kept in memory. */
  cacheBytes?: number
  /** Called when a flush fails (the writes are kept and tried again). */
  onFlushError?(err: unknown): void
  /** The disk's room: while it is full, batches are held back (disk-room.ts). */
  room?: Pick<DiskRoom, 'full' | 'recheck'>
}

const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024
const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024

/** A pending write: the value, or null for a delete. */
type Pending = Uint8Array | null

/** A datastore in front of LevelDB that batches writes and caches what it reads. */
export class WriteBehindDatastore extends BaseDatastore {
  private readonly inner: LevelDatastore
  private readonly flushInterval: number
  private readonly maxPendingBytes: number
  private readonly cacheBytes: number
  private readonly onFlushError: (err: unknown) => void
  private readonly room?: Pick<DiskRoom, 'full' | 'recheck'>
  /** LevelDB met a full disk: its log may end in a torn record, so it is reopened before the next write. */
  private torn = false
  /** Writes not yet handed to LevelDB. */
  private pending = new Map<string, Pending>()
  private pendingBytes = 0
  /** Writes in the batch LevelDB is writing now. */
  private flushing = new Map<string, Pending>()
  private flushRun?: Promise<void>
  private timer?: NodeJS.Timeout
  /** Recently read or written values, least recently used first. */
  private readonly cache = new Map<string, Uint8Array>()
  private cached = 0
  /** Counts writes, so a LevelDB read that a write overtook is not cached. */
  private writes = 0
  private closed = false

  constructor(inner: LevelDatastore, init: WriteBehindInit) {
    super()
    this.inner = inner
    this.flushInterval = init.flushInterval
    this.maxPendingBytes = init.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES
    this.cacheBytes = init.cacheBytes ?? DEFAULT_CACHE_BYTES
    this.onFlushError = init.onFlushError ?? (() => undefined)
    this.room = init.room
  }

  override async put(key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    options?.signal?.throwIfAborted()
    const k = key.toString()
    const value = val.slice()
    this.writes++
    if (this.flushInterval <= 0) {
      await this.inner.put(key, value, options)
      this.writes++
      this.remember(k, value)
      return key
    }
    this.remember(k, value)
    this.enqueue(k, value)
    if (this.pendingBytes >= this.maxPendingBytes) await this.flush()
    return key
  }

  override async get(key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const k = key.toString()
    const known = this.lookup(k)
    if (known === null) throw new EntryNotFoundError(`${k} is not stored`)
    if (known !== undefined) return known.slice()
    const writes = this.writes
    const value = await this.inner.get(key, options)
    // What LevelDB read may be older than a write made meanwhile: only an undisturbed read is kept.
    if (writes === this.writes) this.remember(k, value.slice())
    return value
  }

  override async has(key: Key, options?: AbortOptions): Promise<boolean> {
    const known = this.lookup(key.toString())
    if (known !== undefined) return known !== null
    return this.inner.has(key, options)
  }

  override async delete(key: Key, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const k = key.toString()
    this.writes++
    this.forget(k)
    if (this.flushInterval <= 0) {
      await this.inner.delete(key, options)
      this.writes++
      return
    }
    this.enqueue(k, null)
  }

  override async *query(q: Query, options?: AbortOptions): ReturnType<BaseDatastore['query']> {
    if (await this.flushed()) yield* this.inner.query(q, options)
    // A full disk: LevelDB's entries with the pending writes laid over them (see _all).
    else yield* super.query(q, options)
  }

  override async *queryKeys(
    q: KeyQuery,
    options?: AbortOptions,
  ): ReturnType<BaseDatastore['queryKeys']> {
    if (await this.flushed()) yield* this.inner.queryKeys(q, options)
    else yield* super.queryKeys(q, options)
  }

  /** Entries under `q.prefix`: LevelDB's, unless a pending write replaces them, then the pending ones. */
  override async *_all(q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    const overlay = this.overlay(q.prefix)
    for await (const pair of this.inner.query({ prefix: q.prefix }, options))
      if (!overlay.has(pair.key.toString())) yield pair
    for (const [k, value] of overlay) if (value !== null) yield { key: keyOf(k), value }
  }

  override async *_allKeys(q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    for await (const { key } of this._all({ prefix: q.prefix }, options)) yield key
  }

  /** Flushes; false when the disk is full (the writes stay pending). */
  private async flushed(): Promise<boolean> {
    try {
      await this.flush()
      return true
    } catch (err) {
      if (isDiskFull(err)) return false
      throw err
    }
  }

  /** The pending writes under `prefix`, newest winning. */
  private overlay(prefix: string | undefined): Map<string, Pending> {
    const out = new Map<string, Pending>()
    for (const map of [this.flushing, this.pending])
      for (const [k, v] of map) if (prefix == null || k.startsWith(prefix)) out.set(k, v)
    return out
  }

  /** Writes everything pending to LevelDB; resolves when it is there. */
  async flush(): Promise<void> {
    while (this.flushRun != null || this.pending.size > 0) {
      if (this.flushRun == null) this.flushRun = this.writeBatch()
      await this.flushRun
    }
  }

  /** Flushes (when the disk lets it) and closes LevelDB. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.timer)
    this.timer = undefined
    try {
      await this.flush()
    } catch (err) {
      // A full disk: what is pending cannot be written; LevelDB is closed all the same.
      this.onFlushError(err)
    }
    await this.inner.close()
  }

  /** The pending or cached value: bytes, null when deleted, undefined when not known here. */
  private lookup(k: string): Uint8Array | null | undefined {
    const pending = this.pending.get(k)
    if (pending !== undefined) return pending
    const flushing = this.flushing.get(k)
    if (flushing !== undefined) return flushing
    const value = this.cache.get(k)
    if (value !== undefined) {
      this.cache.delete(k)
      this.cache.set(k, value)
    }
    return value
  }

  private enqueue(k: string, value: Pending): void {
    const before = this.pending.get(k)
    this.pendingBytes +=
      k.length +
      (value?.length ?? 0) -
      (before === undefined ? 0 : k.length + (before?.length ?? 0))
    this.pending.delete(k)
    this.pending.set(k, value)
    if (this.timer == null && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        void this.flush().catch(() => undefined)
      }, this.flushInterval)
    }
  }

  private async writeBatch(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.flushing = this.pending
    this.pending = new Map()
    this.pendingBytes = 0
    try {
      if (this.room !== undefined && (await this.room.full()))
        throw new DiskFullError(DISK_FULL_MESSAGE)
      if (this.torn) {
        // Reopening replays the log up to the torn record, and the next writes go to a new log.
        await this.inner.close()
        await this.inner.open()
        this.torn = false
      }
      const batch = this.inner.batch()
      for (const [k, value] of this.flushing) {
        if (value === null) batch.delete(keyOf(k))
        else batch.put(keyOf(k), value)
      }
      await batch.commit()
    } catch (err) {
      // Keep the writes (newer ones win) and try again at the next interval.
      for (const [k, value] of this.flushing) if (!this.pending.has(k)) this.enqueue(k, value)
      if (isDiskFull(err) && !(err instanceof DiskFullError)) {
        this.torn = true
        this.room?.recheck()
      }
      this.onFlushError(err)
      throw err
    } finally {
      this.flushing = new Map()
      this.flushRun = undefined
    }
  }

  private remember(k: string, value: Uint8Array): void {
    this.forget(k)
    if (k.length + value.length > this.cacheBytes) return
    this.cache.set(k, value)
    this.cached += k.length + value.length
    for (const [old, v] of this.cache) {
      if (this.cached <= this.cacheBytes) break
      this.cache.delete(old)
      this.cached -= old.length + v.length
    }
  }

  private forget(k: string): void {
    const value = this.cache.get(k)
    if (value === undefined) return
    this.cache.delete(k)
    this.cached -= k.length + value.length
  }
}

function keyOf(k: string): Key {
  return new Key(k, false)
}
