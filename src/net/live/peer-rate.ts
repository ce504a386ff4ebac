/**
 * A token bucket per neighbour: how many live messages each may have judged per second. The
 * table is bounded; the neighbour idle longest is forgotten first (it starts again full).
 * @module
 */
import {
  LIVE_MESSAGE_BURST,
  LIVE_MESSAGES_PER_SECOND,
  LIVE_OVER_RATE_PENALTY_EVERY,
  LIVE_RATE_KEYS,
} from './constants.ts'

/** How a `PeerRate` is set. */
export interface PeerRateInit {
  /** Messages earned back per second. @default LIVE_MESSAGES_PER_SECOND */
  perSecond?: number
  /** Messages a neighbour may send at once. @default LIVE_MESSAGE_BURST */
  burst?: number
  /** Neighbours remembered at once. @default LIVE_RATE_KEYS */
  maxKeys?: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
  /** Told of a key every `penaltyEvery` messages refused to it (not at all when unset). */
  onPenalty?: (key: string) => void
  /** Refusals per `onPenalty`. @default LIVE_OVER_RATE_PENALTY_EVERY */
  penaltyEvery?: number
}

/** Live message rates by neighbour. */
export class PeerRate {
  private readonly perMs: number
  private readonly burst: number
  private readonly maxKeys: number
  private readonly now: () => number
  private readonly onPenalty: ((key: string) => void) | undefined
  private readonly penaltyEvery: number
  private readonly buckets = new Map<string, { tokens: number; at: number; refused: number }>()

  constructor(init: PeerRateInit = {}) {
    this.perMs = (init.perSecond ?? LIVE_MESSAGES_PER_SECOND) / 1000
    this.burst = init.burst ?? LIVE_MESSAGE_BURST
    this.maxKeys = init.maxKeys ?? LIVE_RATE_KEYS
    this.now = init.now ?? Date.now
    this.onPenalty = init.onPenalty
    this.penaltyEvery = init.penaltyEvery ?? LIVE_OVER_RATE_PENALTY_EVERY
  }

  /** Spends one message of `peer`'s; false when it has none left. */
  take(peer: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(peer) ?? { tokens: this.burst, at: now, refused: 0 }
    this.buckets.delete(peer)
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs)
    bucket.at = now
    const ok = bucket.tokens >= 1
    if (ok) bucket.tokens -= 1
    else if (++bucket.refused % this.penaltyEvery === 0) this.onPenalty?.(peer)
    while (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
    this.buckets.set(peer, bucket)
    return ok
  }
}
