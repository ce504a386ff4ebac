/**
 * The relays whose last connection to this one closed, with the time: left out of the live view
 * unasked for `MIRROR_GONE_MS` (a status question to a relay that died waits for a dial
 * timeout). Anyone can make peer IDs that identify as mirrors and hang up, so the list is a
 * `BlockMemory`: bounded per source (the address block the relay connected from) and in all,
 * one source pushing out only its own. A relay pushed out is only asked again, never counted
 * wrongly.
 * @module
 */
import { BlockMemory } from '@alternet/core/contracts'
import { MAX_MIRROR_GONE, MIRROR_GONE_MS, MIRROR_GONE_PER_SOURCE } from './constants.ts'

/** Relays marked gone lately. */
export class GoneRelays {
  private readonly memory = new BlockMemory({
    ttlMs: MIRROR_GONE_MS,
    maxPerBlock: MIRROR_GONE_PER_SOURCE,
    maxTotal: MAX_MIRROR_GONE,
  })

  /** How many relays are marked gone now (some past `MIRROR_GONE_MS` may remain until the next `mark`). */
  get size(): number {
    return this.memory.size
  }

  /** When `id` was marked gone, or undefined when it is not (or no longer) marked. */
  since(id: string): number | undefined {
    return this.memory.since(id)
  }

  /** Marks `id` (connected from `source`) gone now. */
  mark(id: string, source: string): void {
    this.memory.remember(id, source)
  }

  /** Forgets `id`; whether it was marked. */
  delete(id: string): boolean {
    return this.memory.forget(id)
  }
}
