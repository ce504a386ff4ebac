/**
 * Token buckets by key (a client address, an API token): each key may spend `burst` at once and
 * earns `perSecond` back over time. The table of keys is bounded; when it is full the bucket
 * idle longest is forgotten (a forgotten key starts again full, which costs at most one burst).
 * @module
 */

/** How a keyed rate limit is set. */
export interface KeyedRateLimitInit {
  /** Tokens earned per second. */
  perSecond: number
  /** Largest number of tokens a key holds (what it may spend at once). */
  burst: number
  /** Keys remembered at once. @default 10000 */
  maxKeys?: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

/** Keys remembered at once when `maxKeys` is not given. */
export const DEFAULT_RATE_LIMIT_KEYS = 10_000

interface Bucket {
  tokens: number
  at: number
}

/** A rate limit per key. */
export class KeyedRateLimit {
  private readonly perMs: number
  private readonly burst: number
  private readonly maxKeys: number
  private readonly now: () => number
  /** In order of last use, oldest first (a Map keeps insertion order). */
  private readonly buckets = new Map<string, Bucket>()

  constructor(init: KeyedRateLimitInit) {
    this.perMs = init.perSecond / 1000
    this.burst = Math.max(1, init.burst)
    this.maxKeys = init.maxKeys ?? DEFAULT_RATE_LIMIT_KEYS
    this.now = init.now ?? Date.now
  }

  /** Spends `cost` tokens of `key`; false (nothing spent) when it has fewer. */
  take(key: string, cost = 1): boolean {
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now }
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
    } else {
      this.buckets.delete(key)
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs)
      bucket.at = now
    }
    this.buckets.set(key, bucket)
    if (bucket.tokens < cost) return false
    bucket.tokens -= cost
    return true
  }

  /** Seconds until `key` has `cost` tokens again (0 when it has them now). */
  retryAfter(key: string, cost = 1): number {
    const bucket = this.buckets.get(key)
    if (bucket === undefined || this.perMs === 0) return bucket === undefined ? 0 : Infinity
    const tokens = Math.min(this.burst, bucket.tokens + (this.now() - bucket.at) * this.perMs)
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / this.perMs / 1000)
  }
}
