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
 * that is reached. One source can only push out its own visitors.
 * @module
 */
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
  private readonly repeatMs: number
  private readonly maxVisits: number
  private readonly maxPerBlock: number
  private readonly now: () => number
  /** Block → visit (`site\0peer`) → when counted, earliest first. */
  private readonly blocks = new Map<string, Map<string, number>>()
  private size = 0

  constructor(init: VisitMemoryInit = {}) {
    this.repeatMs = init.repeatMs ?? VISIT_REPEAT_MS
    this.maxVisits = init.maxVisits ?? MAX_VISITS_REMEMBERED
    this.maxPerBlock = init.maxPerBlock ?? MAX_VISITS_PER_BLOCK
    this.now = init.now ?? Date.now
  }

  /** Visitors remembered now. */
  get remembered(): number {
    return this.size
  }

  /**
   * Whether `peer`'s visit of `site`, over a connection from `block`, is a new visit (to be
   * counted, and remembered from now), not a repeat within `repeatMs` of the one counted.
   */
  visit(site: string, peer: string, block: string): boolean {
    const key = `${site}\u0000${peer}`
    const now = this.now()
    const visits = this.blocks.get(block) ?? new Map<string, number>()
    const last = visits.get(key)
    if (last !== undefined && now - last < this.repeatMs) return false
    if (last !== undefined) {
      this.size--
      visits.delete(key)
    }
    visits.set(key, now)
    this.size++
    this.blocks.set(block, visits)
    if (visits.size > this.maxPerBlock) this.forgetEarliest(block)
    if (this.size > this.maxVisits) this.forgetEarliest(this.fullest())
    return true
  }

  private fullest(): string {
    let fullest = ''
    let most = -1
    for (const [block, visits] of this.blocks)
      if (visits.size > most) [fullest, most] = [block, visits.size]
    return fullest
  }

  private forgetEarliest(block: string): void {
    const visits = this.blocks.get(block)
    if (visits === undefined) return
    visits.delete(visits.keys().next().value!)
    this.size--
    if (visits.size === 0) this.blocks.delete(block)
  }
}
