/**
 * `VisitMemory`: the visitors a host counted lately, so a visitor who asks for a site's
 * manifest again within `VISIT_REPEAT_MS` (a retry, a second tab, a prefetch) is not counted
 * twice in "Visits served by this device".
 *
 * Peer IDs cost nothing: with one shared table, a stranger making fresh peer IDs would push
 * every other visitor out (and they would be counted again). So each visitor is remembered in
 * its address block (the block of the connection it came over; a relayed visitor counts in its
 * relay's block), each block holds `MAX_VISITS_PER_BLOCK` at most and forgets its own earliest
 * first, and all blocks together hold `MAX_VISITS_REMEMBERED`, the fullest block giving way when
 * that is reached. One source can only push out its own visitors (`BlockMemory`).
 * @module
 */
import { BlockMemory } from '../../core/contracts/index.ts'
import { MAX_VISITS_PER_BLOCK, MAX_VISITS_REMEMBERED, VISIT_REPEAT_MS } from './constants.ts'

/** How a `VisitMemory` is set. */
export interface VisitMemoryInit {
  /** How long a visitor counts as the same visit, in ms. @default VISIT_REPEAT_MS */
  repeatMs?: number
  /** Visitors remembered in all. @default MAX_VISITS_REMEMBERED */
  maxVisits?: number
  /** Visitors remembered per address block. @default MAX_VISITS_PER_BLOCK */
  maxPerBlock?: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

/** The visitors counted lately, by address block. */
export class VisitMemory {
  private readonly memory: BlockMemory

  constructor(init: VisitMemoryInit = {}) {
    this.memory = new BlockMemory({
      ttlMs: init.repeatMs ?? VISIT_REPEAT_MS,
      maxTotal: init.maxVisits ?? MAX_VISITS_REMEMBERED,
      maxPerBlock: init.maxPerBlock ?? MAX_VISITS_PER_BLOCK,
      now: init.now,
    })
  }

  /** Visitors remembered now. */
  get remembered(): number {
    return this.memory.size
  }

  /**
   * Whether `peer`'s visit of `site`, over a connection from `block`, is a new visit (to be
   * counted, and remembered from now), not a repeat within `repeatMs` of the one counted.
   */
  visit(site: string, peer: string, block: string): boolean {
    const key = `${site}\u0000${peer}`
    if (this.memory.since(key) !== undefined) return false
    this.memory.remember(key, block)
    return true
  }
}
