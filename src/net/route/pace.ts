/**
 * The minimum pace of a response, kept by both sides: the time spent waiting on the other peer
 * (a server for its reader to take bytes, a client for bytes to arrive) may not exceed a grace
 * period plus the bytes moved so far at the minimum throughput. A peer that moves a few bytes
 * now and then, each time just inside a per-wait timeout, runs out of budget all the same.
 * See docs/PROTOCOL.md, "Limits".
 * @module
 */
import { DEFAULT_MIN_THROUGHPUT, DEFAULT_SLOW_PEER_GRACE } from './constants.ts'
import { RequestTimeoutError } from './errors.ts'

/** Options of a `Pace`. */
export interface PaceInit {
  /**
   * Slowest average pace accepted, in bytes per second; `0` turns the check off (only the
   * per-wait timeouts apply then).
   * @default DEFAULT_MIN_THROUGHPUT
   */
  minThroughput?: number
  /**
   * Waiting allowed before any byte counts, in ms.
   * @default DEFAULT_SLOW_PEER_GRACE
   */
  slowPeerGrace?: number
}

/** Waiting budget of one response. */
export class Pace {
  readonly #rate: number
  readonly #grace: number
  #waited = 0

  constructor(init: PaceInit = {}) {
    this.#rate = init.minThroughput ?? DEFAULT_MIN_THROUGHPUT
    this.#grace = init.slowPeerGrace ?? DEFAULT_SLOW_PEER_GRACE
  }

  /** Milliseconds the peer may still keep this side waiting, given `moved` bytes so far. */
  budget(moved: number): number {
    if (!(this.#rate > 0)) return Infinity
    return this.#grace + (moved / this.#rate) * 1000 - this.#waited
  }

  /**
   * Runs `wait` with a signal that aborts after `min(cap, budget(moved))` ms, or with `signal`,
   * and adds the time it took to the time waited. Throws `RequestTimeoutError` when one of the
   * two limits ended it (`slow` when it was the budget), and `signal`'s reason when that did.
   */
  async wait<T>(
    moved: number,
    cap: number,
    signal: AbortSignal,
    wait: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const budget = this.budget(moved)
    const limit = Math.max(0, Math.ceil(Math.min(cap, budget)))
    const timer = AbortSignal.timeout(limit)
    const started = Date.now()
    try {
      signal.throwIfAborted()
      if (limit === 0) timer.throwIfAborted()
      return await wait(AbortSignal.any([timer, signal]))
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (!timer.aborted) throw error
      const slow = budget <= cap
      throw new RequestTimeoutError(
        slow
          ? `The peer moved ${moved} bytes, slower than ${this.#rate} bytes/s.`
          : `The peer kept the stream waiting for ${Math.round(limit)} ms.`,
        { slow },
      )
    } finally {
      this.#waited += Date.now() - started
    }
  }
}
