/**
 * The site worker's copy of the bridge page (`/__an/bridge.html`, its script inline),
 * so the bridge loads with no network: a cache named after the build's manifest, filled once
 * the worker answers its first request rather than at install. An install that waited for
 * these downloads would hold the site's first document back by as long (the document's fetch
 * waits for the worker to be activated), and the bridge page has just been loaded from the
 * network anyway. Caches of other builds are deleted once this one is filled.
 * @module
 */
import { deleteOtherVersions, manifestVersion, type ManifestEntry } from '../shared/cache-names.ts'

/** The bridge files' cache. */
export interface BridgeFiles {
  /** `<prefix><manifest hash>`. */
  readonly cacheName: string
  /** Whether `url` is one of the files (same origin, GET, query ignored). */
  matches(request: Request, url: URL): boolean
  /** The file from the cache; the network when it is not cached (yet). */
  handle(request: Request, url: URL): Promise<Response>
  /** Fills the cache once (again after a failure), keeping `event` alive meanwhile. */
  fill(event: ExtendableEvent): void
}

/** The bridge files of `entries` (the build's manifest, URLs relative to the worker). */
export function bridgeFiles(prefix: string, entries: readonly ManifestEntry[]): BridgeFiles {
  const cacheName = `${prefix}${manifestVersion(entries)}`
  const paths = new Map(
    entries.map((entry) => [new URL(entry.url, self.location.href).pathname, entry] as const),
  )
  let filling: Promise<void> | undefined

  async function fillOnce(): Promise<void> {
    const cache = await caches.open(cacheName)
    await Promise.all(
      [...paths.keys()].map(async (path) => {
        if ((await cache.match(path)) !== undefined) return
        const response = await fetch(path, { cache: 'no-cache', credentials: 'same-origin' })
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
        await cache.put(path, response)
      }),
    )
    await deleteOtherVersions(prefix, cacheName)
  }

  return {
    cacheName,
    matches: (request, url) =>
      request.method === 'GET' && url.origin === self.location.origin && paths.has(url.pathname),
    async handle(request, url) {
      const cache = await caches.open(cacheName)
      return (await cache.match(url.pathname)) ?? fetch(request)
    },
    fill(event) {
      filling ??= fillOnce().catch(() => {
        filling = undefined
      })
      event.waitUntil(filling)
    },
  }
}
