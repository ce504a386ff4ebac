/**
 * The sites this browser opened lately, for Discover on the Browse screen: canonical names, most
 * recent first, kept in `localStorage` (a list of names, cleared with the visited sites).
 * @module
 */

/** `localStorage` key of the recently visited sites. */
export const RECENT_SITES_KEY = 'alternet.recentSites'
/** How many recently visited sites are kept and shown. */
export const MAX_RECENT_SITES = 8

/** One recently visited site. */
export interface RecentSite {
  /** Canonical site name. */
  site: string
  /** When it was last shown, ms since the epoch. */
  at: number
}

/** The recently visited sites, most recent first. */
export function recentSites(): RecentSite[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(RECENT_SITES_KEY) ?? '[]')
    if (!Array.isArray(value)) return []
    return value
      .filter(
        (entry): entry is RecentSite =>
          typeof entry?.site === 'string' && typeof entry?.at === 'number',
      )
      .slice(0, MAX_RECENT_SITES)
  } catch {
    return []
  }
}

/** Notes that `site` was shown now. */
export function noteVisit(site: string, at: number = Date.now()): void {
  const list = [{ site, at }, ...recentSites().filter((entry) => entry.site !== site)]
  try {
    localStorage.setItem(RECENT_SITES_KEY, JSON.stringify(list.slice(0, MAX_RECENT_SITES)))
  } catch {
    // No room for preferences: Discover shows less, nothing worse.
  }
}

/** Forgets the recently visited sites (with the visited sites' content). */
export function forgetRecentSites(): void {
  try {
    localStorage.removeItem(RECENT_SITES_KEY)
  } catch {
    // nothing kept, nothing to forget
  }
}
