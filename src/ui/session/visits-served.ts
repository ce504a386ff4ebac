/**
 * How many visits this device served, per site: a visit is a browser beginning to read the site
 * from this device (relays taking a copy to mirror it do not count). Kept in `localStorage`, so
 * a site's health card counts from its first publication here, across restarts.
 * @module
 */

/** `localStorage` key of the counts (a JSON object, site → visits). */
export const VISITS_SERVED_KEY = 'alternet.visitsServed'

function read(): Record<string, number> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(VISITS_SERVED_KEY) ?? '{}')
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, number>)
      : {}
  } catch {
    return {}
  }
}

/** Visits this device served of `site` (canonical name). */
export function visitsServed(site: string): number {
  const count = read()[site]
  return typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : 0
}

/** Counts one more visit of `site`. */
export function noteVisitServed(site: string): void {
  const counts = read()
  counts[site] = visitsServed(site) + 1
  try {
    localStorage.setItem(VISITS_SERVED_KEY, JSON.stringify(counts))
  } catch {
    // No room for preferences: the count stays where it was, nothing worse.
  }
}

/** `3 visits` / `1 visit` / `none yet`, for a health card. */
export function visitsText(count: number): string {
  if (count === 0) return 'none yet'
  return `${count.toLocaleString('en-GB')} ${count === 1 ? 'visit' : 'visits'}`
}
