/**
 * Per-source limits on `/an/mirror/1.0.0`: status questions open at once per peer, questions
 * per minute per peer and per source (address block), and pre-signed records checked per
 * minute per peer. A peer hammering the protocol spends its own budget and is refused cheaply
 * (its streams reset unread); other peers keep theirs and are answered. See docs/PROTOCOL.md,
 * "Mirror status".
 * @module
 */
import {
  MAX_MIRROR_QUESTION_BUCKETS,
  MIRROR_QUESTIONS_PER_MINUTE_PER_PEER,
  MIRROR_QUESTIONS_PER_MINUTE_PER_SOURCE,
  MIRROR_RECORDS_CHECKED_PER_MINUTE_PER_PEER,
  MIRROR_REFUSALS_BEFORE_CLOSE,
  MIRROR_STREAMS_PER_PEER,
} from './constants.ts'

const MINUTE = 60_000

/** The limits a `QuestionLimits` applies (defaults: the `MIRROR_*` constants). */
export interface QuestionLimitSettings {
  /** @default MIRROR_STREAMS_PER_PEER */
  streamsPerPeer: number
  /** @default MIRROR_QUESTIONS_PER_MINUTE_PER_PEER */
  questionsPerMinutePerPeer: number
  /** @default MIRROR_QUESTIONS_PER_MINUTE_PER_SOURCE */
  questionsPerMinutePerSource: number
  /** @default MIRROR_RECORDS_CHECKED_PER_MINUTE_PER_PEER */
  recordsPerMinutePerPeer: number
  /** @default MIRROR_REFUSALS_BEFORE_CLOSE */
  refusalsBeforeClose: number
}

/** The default limits. */
export const DEFAULT_QUESTION_LIMITS: QuestionLimitSettings = {
  streamsPerPeer: MIRROR_STREAMS_PER_PEER,
  questionsPerMinutePerPeer: MIRROR_QUESTIONS_PER_MINUTE_PER_PEER,
  questionsPerMinutePerSource: MIRROR_QUESTIONS_PER_MINUTE_PER_SOURCE,
  recordsPerMinutePerPeer: MIRROR_RECORDS_CHECKED_PER_MINUTE_PER_PEER,
  refusalsBeforeClose: MIRROR_REFUSALS_BEFORE_CLOSE,
}

/** Why a question was refused: the `reason` label of the metric. */
export type QuestionRefusal = 'streams-per-peer' | 'questions-per-peer' | 'questions-per-source'

/** A question admitted: give its slot back once answered. */
export interface QuestionTicket {
  release(): void
}

/** Token buckets, one per key, each holding at most a minute's worth and refilled steadily. */
class Buckets {
  private readonly perMinute: number
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(perMinute: number) {
    this.perMinute = perMinute
  }

  /** Tokens `key` has now. */
  level(key: string, now: number): number {
    const b = this.buckets.get(key)
    if (b === undefined) return this.perMinute
    return Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / MINUTE)
  }

  /** Takes `n` tokens from `key` (the caller checked `level`). */
  take(key: string, n: number, now: number): void {
    if (this.buckets.size >= MAX_MIRROR_QUESTION_BUCKETS && !this.buckets.has(key))
      this.forgetFull(now)
    this.buckets.set(key, { tokens: this.level(key, now) - n, at: now })
  }

  private forgetFull(now: number): void {
    for (const key of this.buckets.keys())
      if (this.level(key, now) >= this.perMinute) this.buckets.delete(key)
    // Still full of busy keys: the oldest go (a Map iterates in insertion order).
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < MAX_MIRROR_QUESTION_BUCKETS) break
      this.buckets.delete(key)
    }
  }
}

/** Counts status questions by peer and by source, and refuses those over a limit. */
export class QuestionLimits {
  private readonly settings: QuestionLimitSettings
  private readonly open = new Map<string, number>()
  private readonly peerQuestions: Buckets
  private readonly sourceQuestions: Buckets
  private readonly peerRecords: Buckets
  private readonly peerRefusals: Buckets

  constructor(settings: Partial<QuestionLimitSettings> = {}) {
    this.settings = { ...DEFAULT_QUESTION_LIMITS, ...settings }
    this.peerQuestions = new Buckets(this.settings.questionsPerMinutePerPeer)
    this.sourceQuestions = new Buckets(this.settings.questionsPerMinutePerSource)
    this.peerRecords = new Buckets(this.settings.recordsPerMinutePerPeer)
    this.peerRefusals = new Buckets(this.settings.refusalsBeforeClose)
  }

  /** A slot for a question from `peer` of `source`, or why not. */
  admit(peer: string, source: string, now = Date.now()): QuestionTicket | QuestionRefusal {
    const open = this.open.get(peer) ?? 0
    if (open >= this.settings.streamsPerPeer) return 'streams-per-peer'
    if (this.peerQuestions.level(peer, now) < 1) return 'questions-per-peer'
    if (this.sourceQuestions.level(source, now) < 1) return 'questions-per-source'
    this.peerQuestions.take(peer, 1, now)
    this.sourceQuestions.take(source, 1, now)
    this.open.set(peer, open + 1)
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        const left = (this.open.get(peer) ?? 1) - 1
        if (left <= 0) this.open.delete(peer)
        else this.open.set(peer, left)
      },
    }
  }

  /**
   * Counts a refusal of `peer`; true when it has been refused `refusalsBeforeClose` times within
   * about a minute, and its connections should be closed.
   */
  refused(peer: string, now = Date.now()): boolean {
    if (this.peerRefusals.level(peer, now) < 1) return true
    this.peerRefusals.take(peer, 1, now)
    return false
  }

  /** How many of `wanted` pre-signed records of `peer` may be checked now (taken from its budget). */
  recordsToCheck(peer: string, wanted: number, now = Date.now()): number {
    const n = Math.max(0, Math.min(wanted, Math.floor(this.peerRecords.level(peer, now))))
    if (n > 0) this.peerRecords.take(peer, n, now)
    return n
  }
}
