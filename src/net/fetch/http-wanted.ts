/**
 * The blocks an HTTP-first client (`http-blocks.ts`) has asked and not given yet, the CARs that
 * list them, and which of them an idle source takes over: the oldest still awaited from a CAR
 * that has sent nothing for a while, each asked of a second source once at most.
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { RouteRequestOptions, RouteTarget } from '../route/index.ts'

/** Most blocks awaited from another source that an idle source is asked for again at once. */
export const TAKEN_OVER_BLOCKS = 4

/**
 * Time a CAR may send no block before an idle source takes its blocks over, in ms: far longer
 * than a block takes from a mirror that keeps pace (a few ms), and than a busy machine's pauses,
 * so a healthy mirror's blocks are not asked twice.
 */
export const TAKE_OVER_QUIET_MS = 1_000

/** A CAR under way (or waiting its turn) for one file. */
export interface Car {
  begun: boolean
  /** When it last sent a block (or began). */
  lastBlockAt: number
  /** Blocks it lists not given yet, by it or another source. */
  owed: number
  /** Gives its place back and ends it: every block it lists has come from elsewhere. */
  release(): void
}

/** A block asked and not given yet. */
export interface Wanted {
  target: RouteTarget
  cid: CID
  options: RouteRequestOptions
  settled: boolean
  /** CARs under way that list it. */
  cars: Set<Car>
  /** Asked of a second source already. */
  doubled: boolean
  /** The first CAR that listed it. */
  car?: Car
  resolve(bytes: Uint8Array): void
  reject(error: unknown): void
}

/**
 * The oldest blocks of `inFlight` an idle source asks again now (at most `TAKEN_OVER_BLOCKS`),
 * and, when there are none, in how many ms a CAR will have been quiet long enough (Infinity
 * when none is under way).
 */
export function blocksToTakeOver(
  inFlight: Iterable<Wanted>,
  now: number,
): { again: Wanted[]; soonest: number } {
  const again: Wanted[] = []
  let soonest = Infinity
  for (const wanted of inFlight) {
    if (again.length >= TAKEN_OVER_BLOCKS) break
    if (wanted.settled || wanted.doubled || wanted.options.signal?.aborted === true) continue
    // A CAR still waiting for its turn has not been slow.
    if (wanted.car?.begun !== true) continue
    const quiet = now - wanted.car.lastBlockAt
    if (quiet >= TAKE_OVER_QUIET_MS) again.push(wanted)
    else soonest = Math.min(soonest, TAKE_OVER_QUIET_MS - quiet)
  }
  return { again, soonest }
}
