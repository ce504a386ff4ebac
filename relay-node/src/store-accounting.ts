/**
 * The guarded store's bookkeeping: the size of each stored record and provider record, who
 * sent it (peer ID and source, the peer's address block), and the running totals per peer and
 * per source that quotas and eviction read. Pure bookkeeping, no I/O.
 * @module
 */

/** One stored record or provider record. */
export interface Entry {
  size: number
  /** The peer that sent it; undefined for the relay's own writes. */
  peer: string | undefined
  /** The sender's source (see source-subnet.ts); undefined when unknown. */
  source?: string
  /** A live name record: `oldest` eviction never takes it before this time (ms since the epoch). */
  protectedUntil?: number
}

/** Totals of what the store holds, by key, peer and source. */
export class StoreAccounting {
  /** Entries by datastore key, oldest write first (Map keeps insertion order). */
  readonly entries = new Map<string, Entry>()
  bytes = 0
  recordCount = 0
  private readonly isRecord: (key: string) => boolean
  private readonly perPeer = new Map<string, number>()
  private readonly perSource = new Map<string, number>()

  constructor(isRecord: (key: string) => boolean) {
    this.isRecord = isRecord
  }

  /** Bytes the entries sent by `peer` occupy. */
  peerBytes(peer: string): number {
    return this.perPeer.get(peer) ?? 0
  }

  /** Bytes the entries sent from `source` occupy. */
  sourceBytes(source: string | undefined): number {
    return source === undefined ? 0 : (this.perSource.get(source) ?? 0)
  }

  /** The source holding the most bytes, other than `except`; undefined when there is none. */
  heaviestSource(except: string | undefined): { source: string; bytes: number } | undefined {
    let best: { source: string; bytes: number } | undefined
    for (const [source, bytes] of this.perSource) {
      if (source === except) continue
      if (best === undefined || bytes > best.bytes) best = { source, bytes }
    }
    return best
  }

  /** The keys of the entries sent from `source`, newest first. */
  newestOf(source: string): string[] {
    const keys: string[] = []
    for (const [key, entry] of this.entries) if (entry.source === source) keys.push(key)
    return keys.reverse()
  }

  /** Counts `entry` under `key`, replacing what was counted there. */
  account(key: string, entry: Entry): void {
    this.unaccount(key)
    this.entries.set(key, entry)
    this.bytes += entry.size
    if (this.isRecord(key)) this.recordCount++
    if (entry.peer != null) add(this.perPeer, entry.peer, entry.size)
    if (entry.source != null) add(this.perSource, entry.source, entry.size)
  }

  /** Stops counting the entry under `key`. */
  unaccount(key: string): void {
    const entry = this.entries.get(key)
    if (entry == null) return
    this.entries.delete(key)
    this.bytes -= entry.size
    if (this.isRecord(key)) this.recordCount--
    if (entry.peer != null) add(this.perPeer, entry.peer, -entry.size)
    if (entry.source != null) add(this.perSource, entry.source, -entry.size)
  }
}

function add(totals: Map<string, number>, id: string, delta: number): void {
  const left = (totals.get(id) ?? 0) + delta
  if (left > 0) totals.set(id, left)
  else totals.delete(id)
}

/** How many sources' new-name allowances are remembered; the least recently used go first. */
const MAX_RATE_SOURCES = 65_536

/**
 * New names per source: a token bucket of `perMinute` refilled continuously, holding at most
 * `burstMinutes` minutes' worth. 0 per minute means no limit.
 */
export class NewNameRate {
  private readonly perMinute: number
  private readonly capacity: number
  private readonly now: () => number
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(perMinute: number, burstMinutes: number, now: () => number = Date.now) {
    this.perMinute = perMinute
    this.capacity = Math.max(1, perMinute * burstMinutes)
    this.now = now
  }

  /** Whether `source` has a new name left in its allowance now (takes none). */
  has(source: string): boolean {
    if (this.perMinute <= 0) return true
    const bucket = this.buckets.get(source)
    if (bucket === undefined) return true
    const tokens = bucket.tokens + ((this.now() - bucket.at) * this.perMinute) / 60_000
    return tokens >= 1
  }

  /** Takes one new name from `source`'s allowance; false when it has none left. */
  take(source: string): boolean {
    if (this.perMinute <= 0) return true
    const now = this.now()
    const bucket = this.buckets.get(source) ?? { tokens: this.capacity, at: now }
    this.buckets.delete(source)
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000,
    )
    bucket.at = now
    const ok = bucket.tokens >= 1
    if (ok) bucket.tokens -= 1
    this.buckets.set(source, bucket)
    if (this.buckets.size > MAX_RATE_SOURCES) this.buckets.delete(this.buckets.keys().next().value!)
    return ok
  }
}
