/**
 * What a full mirror store evicts to make room for a new site, in this order: sites past their
 * horizon (no live record names them any more), least recently requested first; then copies
 * beyond the R this relay is placed for (kept while there is room), then live sites, least
 * recently requested first. A site being fetched is never a candidate, and a
 * site is only ever dropped whole. See relay-node/README.md, "Mirrors".
 * @module
 */

/** A complete site that could make room. */
export interface EvictionCandidate {
  site: string
  /** When a visitor last asked for its manifest, ms since the epoch. */
  lastRequested: number
  /** No live record names the site: its owner stopped keeping it up. */
  pastHorizon: boolean
  /** This relay is not among the R placed for the site (a copy kept while there is room). */
  surplus?: boolean
}

/** The candidates in eviction order. */
export function evictionOrder(candidates: readonly EvictionCandidate[]): EvictionCandidate[] {
  return [...candidates].sort(
    (a, b) =>
      Number(b.pastHorizon) - Number(a.pastHorizon) ||
      Number(b.surplus ?? false) - Number(a.surplus ?? false) ||
      a.lastRequested - b.lastRequested,
  )
}

/**
 * The sites to evict so that `need` bytes fit in `free` (which may be negative), or undefined
 * when even evicting every candidate would not make room (then nothing is evicted).
 */
export function roomFor(
  need: number,
  free: number,
  candidates: readonly EvictionCandidate[],
  bytesOf: (site: string) => number,
): string[] | undefined {
  if (need <= free) return []
  const victims: string[] = []
  let room = free
  for (const c of evictionOrder(candidates)) {
    if (need <= room) break
    victims.push(c.site)
    room += bytesOf(c.site)
  }
  return need <= room ? victims : undefined
}
