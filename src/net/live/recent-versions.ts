/**
 * `RecentVersions`: which version of each site a node took last, when, and which it held before,
 * so a valid record that loses to the held one can be told apart as a lost race or a replay.
 * See docs/PROTOCOL.md#live-updates.
 *
 * Two versions published close together travel the mesh side by side. An honest neighbour that
 * took the older one a moment before the newer one reached it forwards the older one, and it
 * arrives here after the newer one. That neighbour did nothing wrong: rejecting its message
 * would cost it 100 points squared (graylisted at once), and a relay could then cut it off as a
 * flooder. So a record of the held version's key that loses to it is judged:
 * - the same version (an equal `seq`: signed again, another expiry): ignored;
 * - a lost race, when it is newer than the version held before the current one and the current
 *   one was taken less than `LIVE_RACE_MS` ago: ignored (not forwarded, no blame);
 * - otherwise a replay of an old version (`rollback`): rejected, which scores its sender down.
 * @module
 */
import { LIVE_RACE_KEYS, LIVE_RACE_MS } from './constants.ts'
import type { LiveJudgement } from './live-validator.ts'

/** How `RecentVersions` is set. */
export interface RecentVersionsInit {
  /** How long after taking a version an older one counts as a lost race, in ms. @default LIVE_RACE_MS */
  raceMs?: number
  /** Sites remembered at once; the earliest taken is forgotten first. @default LIVE_RACE_KEYS */
  maxKeys?: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

/** What is remembered of one site. */
interface Taken {
  seq: number
  /** The version held before it, when known. */
  previous: number | undefined
  /** When it was taken (ms). */
  at: number
}

/** The versions a node took lately, by site (or DHT key). */
export class RecentVersions {
  private readonly raceMs: number
  private readonly maxKeys: number
  private readonly now: () => number
  /** In the order taken, so the earliest is first. */
  private readonly taken = new Map<string, Taken>()

  constructor(init: RecentVersionsInit = {}) {
    this.raceMs = init.raceMs ?? LIVE_RACE_MS
    this.maxKeys = init.maxKeys ?? LIVE_RACE_KEYS
    this.now = init.now ?? Date.now
  }

  /**
   * `key` holds version `seq` now, after `previous` (by default the version remembered, if any).
   * The same version stored again (a republish) keeps the time it was first taken.
   */
  took(key: string, seq: number, previous?: number): void {
    const known = this.taken.get(key)
    if (known?.seq === seq) return
    const now = this.now()
    this.taken.delete(key)
    // Only what was taken within the race matters: forget the rest, then the earliest.
    for (const [k, t] of this.taken) {
      if (t.at > now - this.raceMs && this.taken.size < this.maxKeys) break
      this.taken.delete(k)
    }
    this.taken.set(key, { seq, previous: previous ?? known?.seq, at: now })
  }

  /**
   * What a valid record of version `offered` is when it loses to the held version `held` of the
   * same key: the same version, a lost race, or a replay (see the module).
   */
  judgeOlder(key: string, offered: number, held: number): LiveJudgement {
    if (offered === held) return { verdict: 'ignore', reason: 'same-version' }
    const taken = this.taken.get(key)
    if (
      taken !== undefined &&
      taken.seq === held &&
      offered < held &&
      (taken.previous === undefined || offered > taken.previous) &&
      this.now() - taken.at < this.raceMs
    )
      return { verdict: 'ignore', reason: 'lost-race' }
    return { verdict: 'reject', reason: 'rollback' }
  }
}
