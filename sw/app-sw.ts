/**
 * The app shell's service worker (`/sw.js` on the app origin). The shell's files are
 * precached, so the app starts with no network; each build's files live in a cache named
 * after the build's manifest and older caches go when a new version activates. A new version
 * waits until the page says `SKIP_WAITING` (the person agreed to "Update available").
 * See docs/ORIGINS.md, "The app shell's service worker".
 * @module
 */
import { APP_VERSION } from '../src/origins/shared/build-info.ts'
import { HEALTH_PATH } from '../src/core/contracts/relay-paths.ts'
import { RESERVED_PREFIX, RESET_PATH } from '../src/origins/shared/constants.ts'
import {
  APP_DOCUMENT_HEADERS,
  isHtml,
  withHeaders,
} from '../src/origins/shared/security-headers.ts'
import { route, type Handler } from './shared/handlers.ts'
import { createPrecache } from './shared/precache.ts'

declare const self: ServiceWorkerGlobalScope

/** Cache names of the shell's precache start with this; the rest is the build's manifest hash. */
export const SHELL_CACHE_PREFIX = 'alternet-shell-'

const precache = createPrecache(
  SHELL_CACHE_PREFIX,
  self.__WB_MANIFEST.map((e) =>
    typeof e === 'string'
      ? { url: e, revision: null }
      : { url: e.url, revision: e.revision ?? null },
  ),
)

const handlers: readonly Handler[] = [
  {
    // `/?reset-sw` on any app URL leads to the escape hatch.
    name: 'reset',
    canHandle: ({ request, url }) =>
      request.mode === 'navigate' && url.searchParams.has('reset-sw'),
    handle: async () => Response.redirect(RESET_PATH, 302),
  },
  {
    // The relay's own endpoints and /__an/ (the reset page) always go to the network.
    name: 'network-only',
    canHandle: ({ url }) =>
      url.origin !== self.location.origin ||
      url.pathname.startsWith(RESERVED_PREFIX) ||
      url.pathname === HEALTH_PATH ||
      url.pathname.startsWith('/.well-known/'),
  },
  {
    // The shell's pages keep the relay's CSP and agent cluster when they come from the cache.
    name: 'precache',
    canHandle: (context) => precache.matches(context),
    handle: async (context) => {
      const response = await precache.handle(context)
      return isHtml(response) ? withHeaders(response, APP_DOCUMENT_HEADERS) : response
    },
  },
]

self.addEventListener('install', (event) => {
  void precache.install(event)
})

self.addEventListener('activate', (event) => {
  event.waitUntil(precache.activate(event).then(() => self.clients.claim()))
})

self.addEventListener('fetch', (event) => {
  route(event, handlers)
})

self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting()
  else if (data?.type === 'GET_VERSION')
    event.ports[0]?.postMessage({ version: APP_VERSION, cacheName: precache.cacheName })
})
