/**
 * The relays whose last connection to this one closed, with the time: left out of the live view
 * unasked for `MIRROR_GONE_MS` (a status question to a relay that died waits for a dial
 * timeout). Anyone can make peer IDs that identify as mirrors and hang up, so the list is
 * bounded per source and in all: past a source's share its oldest entry goes, past the total
 * the oldest of all. A relay pushed out is only asked again, never counted wrongly.
 * @module
 */
import { MAX_MIRROR_GONE, MIRROR_GONE_MS, MIRROR_GONE_PER_SOURCE } from './constants.ts'

/** Relays marked gone, oldest first. */
export class GoneRelays {
  private readonly entries = new Map<string, { at: number; source: string }>()
  private readonly counts = new Map<string, number>()

  /** How many relays are marked gone now (entries older than `MIRROR_GONE_MS` may remain until the next `mark`). */
  get size(): number {
    return this.entries.size
  }

  /** When `id` was marked gone, or undefined. */
  since(id: string): number | undefined {
    return this.entries.get(id)?.at
  }

  /** Marks `id` (connected from `source`) gone now. */
  mark(id: string, source: string, now = Date.now()): void {
    this.delete(id)
    for (const [old, entry] of this.entries) {
      if (now - entry.at < MIRROR_GONE_MS) break
      this.delete(old)
    }
    if ((this.counts.get(source) ?? 0) >= MIRROR_GONE_PER_SOURCE)
      for (const [old, entry] of this.entries)
        if (entry.source === source) {
          this.delete(old)
          break
        }
    if (this.entries.size >= MAX_MIRROR_GONE) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.delete(oldest.value)
    }
    this.entries.set(id, { at: now, source })
    this.counts.set(source, (this.counts.get(source) ?? 0) + 1)
  }

  /** Forgets `id`; whether it was marked. */
  delete(id: string): boolean {
    const entry = this.entries.get(id)
    if (entry === undefined) return false
    this.entries.delete(id)
    const left = (this.counts.get(entry.source) ?? 1) - 1
    if (left > 0) this.counts.set(entry.source, left)
    else this.counts.delete(entry.source)
    return true
  }
}
