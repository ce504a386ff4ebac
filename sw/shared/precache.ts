/**
 * A workbox precache in a versioned cache: installs the manifest's files, answers the
 * requests that match them, and on activation removes the caches of other versions.
 * @module
 */
import { PrecacheController, PrecacheRoute } from 'workbox-precaching'
import { deleteOtherVersions, manifestVersion, type ManifestEntry } from './cache-names.ts'
import type { FetchContext } from './handlers.ts'

/** A versioned precache. */
export interface Precache {
  /** `<prefix><manifest hash>`. */
  cacheName: string
  /** Whether the request is for a precached file (query ignored, `/` → `/index.html`). */
  matches(context: FetchContext): boolean
  /** Answers a matching request from the cache (the network if the entry is missing). */
  handle(context: FetchContext): Promise<Response>
  /** Call from `install`: fetches and stores the files. */
  install(event: ExtendableEvent): Promise<void>
  /** Call from `activate`: deletes the caches of other versions. */
  activate(event: ExtendableEvent): Promise<void>
}

/** Creates the precache for `entries` under cache names starting with `prefix`. */
export function createPrecache(prefix: string, entries: readonly ManifestEntry[]): Precache {
  const cacheName = `${prefix}${manifestVersion(entries)}`
  const controller = new PrecacheController({ cacheName })
  controller.addToCacheList(entries.map((e) => ({ url: e.url, revision: e.revision })))
  const precacheRoute = new PrecacheRoute(controller, {
    ignoreURLParametersMatching: [/.*/],
    directoryIndex: 'index.html',
    cleanURLs: false,
  })
  const options = (context: FetchContext) => ({
    event: context.event,
    request: context.request,
    url: context.url,
    sameOrigin: context.url.origin === self.location.origin,
  })
  return {
    cacheName,
    matches: (context) =>
      context.request.method === 'GET' && Boolean(precacheRoute.match(options(context))),
    handle: (context) =>
      precacheRoute.handler.handle({
        ...options(context),
        params: precacheRoute.match(options(context)),
      }),
    async install(event) {
      await controller.install(event)
    },
    async activate(event) {
      const done = deleteOtherVersions(prefix, cacheName)
      event.waitUntil(done)
      await done
    },
  }
}
