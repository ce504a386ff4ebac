/**
 * Discover: the public site directories of the relays this app uses (`GET /directory`, see
 * docs/PROTOCOL.md, "The site directory"), merged. A relay only lists names whose owner signed
 * the opt-in; every site opened from here is still resolved and verified as usual.
 * @module
 */
import { DIRECTORY_PATH } from '../../core/contracts/index.ts'
import { parseSiteName } from '../../core/names/index.ts'

/** Sites Discover shows at most. */
export const MAX_DIRECTORY_SITES = 24

/** Longest a relay's directory is waited for. */
export const DIRECTORY_TIMEOUT_MS = 5_000

/** Largest directory answer read from one relay, in bytes. */
export const MAX_DIRECTORY_BYTES = 256 * 1024

/** A site listed by at least one relay. */
export interface DirectorySite {
  /** Canonical site name. */
  site: string
  /** The owner's title for it, when the record has one. */
  title?: string
  /** When its current record was signed, ms since the epoch. */
  updated: number
  /** How many of the relays list it. */
  relays: number
}

/** The HTTP origin of a relay configured by URL; undefined for a multiaddr. */
function originOf(source: string): string | undefined {
  if (!/^https?:\/\//.test(source)) return undefined
  try {
    return new URL(source).origin
  } catch {
    return undefined
  }
}

async function readDirectory(origin: string, signal: AbortSignal): Promise<unknown[]> {
  const response = await fetch(`${origin}${DIRECTORY_PATH}`, { signal, credentials: 'omit' })
  if (!response.ok) return []
  const text = await response.text()
  if (text.length > MAX_DIRECTORY_BYTES) return []
  const body = JSON.parse(text) as { sites?: unknown }
  return Array.isArray(body.sites) ? body.sites : []
}

/** The sites the relays at `sources` list, merged, most recently updated first. Never throws. */
export async function relayDirectory(
  sources: readonly string[],
  signal?: AbortSignal,
): Promise<DirectorySite[]> {
  const origins = [...new Set(sources.map(originOf).filter((o): o is string => o !== undefined))]
  const timeout = AbortSignal.timeout(DIRECTORY_TIMEOUT_MS)
  const both = signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  const lists = await Promise.all(origins.map((o) => readDirectory(o, both).catch(() => [])))
  const merged = new Map<string, DirectorySite>()
  for (const list of lists) {
    const seen = new Set<string>()
    for (const raw of list) {
      const entry = raw as { site?: unknown; title?: unknown; updated?: unknown }
      if (typeof entry.site !== 'string' || typeof entry.updated !== 'number') continue
      let site: string
      try {
        site = parseSiteName(entry.site).site
      } catch {
        continue
      }
      if (seen.has(site)) continue
      seen.add(site)
      const title = typeof entry.title === 'string' && entry.title !== '' ? entry.title : undefined
      const held = merged.get(site)
      if (held === undefined)
        merged.set(site, {
          site,
          ...(title === undefined ? {} : { title }),
          updated: entry.updated,
          relays: 1,
        })
      else {
        held.relays++
        held.updated = Math.max(held.updated, entry.updated)
      }
    }
  }
  return [...merged.values()].sort((a, b) => b.updated - a.updated).slice(0, MAX_DIRECTORY_SITES)
}
