/**
 * `BlockMemory`: keys remembered with the time they were last seen, each in the address block
 * (`addressBlock`) it came from, bounded per block and in all.
 *
 * Peer IDs cost nothing, so a memory a stranger can write to must not let one source push out
 * everyone else's entries. Each block holds `maxPerBlock` keys at most and forgets its own
 * earliest first; all blocks together hold `maxTotal`, and when that is reached the fullest
 * block gives way. One source can only push out its own entries. Entries older than `ttlMs` are
 * forgotten as new ones come, and never reported.
 *
 * Used by the browser host's visit count and the relay's list of relays gone lately.
 * @module
 */

/** How a `BlockMemory` is bounded. */
export interface BlockMemoryInit {
  /** How long an entry is remembered, in ms. */
  ttlMs: number
  /** Keys remembered per address block. */
  maxPerBlock: number
  /** Keys remembered in all. */
  maxTotal: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

/** Keys with the time they were last seen, by address block. */
export class BlockMemory {
  private readonly ttlMs: number
  private readonly maxPerBlock: number
  private readonly maxTotal: number
  private readonly now: () => number
  /** Key → block and time, earliest first. */
  private readonly entries = new Map<string, { at: number; block: string }>()
  /** Block → its keys, earliest first. */
  private readonly blocks = new Map<string, Set<string>>()

  constructor(init: BlockMemoryInit) {
    this.ttlMs = init.ttlMs
    this.maxPerBlock = init.maxPerBlock
    this.maxTotal = init.maxTotal
    this.now = init.now ?? Date.now
  }

  /** Keys remembered now (some past `ttlMs` may remain until the next `remember`). */
  get size(): number {
    return this.entries.size
  }

  /** When `key` was last remembered, or undefined when it is not (or no longer) remembered. */
  since(key: string): number | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined || this.now() - entry.at >= this.ttlMs) return undefined
    return entry.at
  }

  /** Remembers `key`, seen now from `block` (moving it there if it was in another). */
  remember(key: string, block: string): void {
    const now = this.now()
    this.forget(key)
    for (const [old, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) break
      this.forget(old)
    }
    const keys = this.blocks.get(block) ?? new Set<string>()
    this.blocks.set(block, keys)
    keys.add(key)
    this.entries.set(key, { at: now, block })
    if (keys.size > this.maxPerBlock) this.forgetEarliest(block)
    if (this.entries.size > this.maxTotal) this.forgetEarliest(this.fullest())
  }

  /** Forgets `key`; whether it was remembered. */
  forget(key: string): boolean {
    const entry = this.entries.get(key)
    if (entry === undefined) return false
    this.entries.delete(key)
    const keys = this.blocks.get(entry.block)
    keys?.delete(key)
    if (keys?.size === 0) this.blocks.delete(entry.block)
    return true
  }

  private fullest(): string {
    let fullest = ''
    let most = -1
    for (const [block, keys] of this.blocks)
      if (keys.size > most) [fullest, most] = [block, keys.size]
    return fullest
  }

  private forgetEarliest(block: string): void {
    const earliest = this.blocks.get(block)?.values().next()
    if (earliest !== undefined && earliest.done !== true) this.forget(earliest.value)
  }
}
