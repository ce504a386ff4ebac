/**
 * What this relay served of each site: requests (blocks and gateway responses), bytes and the
 * last time, in memory since the relay started. The table is bounded: the site served least
 * recently is forgotten first.
 * @module
 */
import { MAX_STATS_SITES } from './constants.ts'

/** The serving figures of one site. */
export interface ServedFigures {
  requests: number
  bytes: number
  /** ms since the epoch, or undefined when never served. */
  lastServed?: number
}

/** Per-site serving counters. */
export class SiteStats {
  private readonly sites = new Map<string, Required<ServedFigures>>()
  private readonly max: number

  constructor(max = MAX_STATS_SITES) {
    this.max = max
  }

  /** Counts one request for `site` that sent `bytes`. */
  served(site: string, bytes: number, at = Date.now()): void {
    const held = this.sites.get(site)
    if (held !== undefined) this.sites.delete(site)
    else if (this.sites.size >= this.max) this.sites.delete(this.sites.keys().next().value!)
    this.sites.set(site, {
      requests: (held?.requests ?? 0) + 1,
      bytes: (held?.bytes ?? 0) + bytes,
      lastServed: at,
    })
  }

  /** The figures of `site` (zeros when never served). */
  get(site: string): ServedFigures {
    return this.sites.get(site) ?? { requests: 0, bytes: 0 }
  }
}
