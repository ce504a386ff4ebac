/**
 * The site origin's service worker (`/__an/site-sw.js`, scope `/` on `<label>.<app host>`).
 * It answers the site's documents and sub-resources by asking the bridge page, which asks
 * the shell's node; keeps offline copies; renders failures as pages; and sends a top-level
 * visit (a shared link, a bookmark) to the shell's viewer. See docs/ORIGINS.md.
 * @module
 */
import {
  DEFAULT_RESPONSE_TIMEOUT,
  ERROR_HEADER,
  OFFLINE_COPY_HEADER,
  REASON_HEADER,
  RESERVED_PREFIX,
} from '../src/origins/shared/constants.ts'
import { NoBridgeError } from '../src/origins/shared/errors.ts'
import { errorStatus } from '../src/core/errors/index.ts'
import {
  isHtml,
  ORIGIN_AGENT_CLUSTER,
  withHeaders,
} from '../src/origins/shared/security-headers.ts'
import {
  appOriginOf,
  rewriteLocation,
  siteOfOrigin,
  viewerUrl,
} from '../src/origins/shared/site-origin.ts'
import { TIMING_MARKS, timingMark } from '../src/origins/shared/timing-marks.ts'
import { route, type FetchContext, type Handler } from './shared/handlers.ts'
import { askBridge, findBridges, tellDocument } from './site/ask-bridge.ts'
import { bridgeFiles } from './site/bridge-files.ts'
import { failurePage } from './site/failure-page.ts'
import { OFFLINE_FALLBACK_ERRORS } from './site/offline-copies.ts'
import { askKept, findCopy, keepCopy, SITE_COPIES_CACHE, type SiteResponse } from './site-cache.ts'

declare const self: ServiceWorkerGlobalScope

timingMark(TIMING_MARKS.swScript)

/** Cache names of the bridge's precache start with this; the rest is the build's manifest hash. */
export const BRIDGE_CACHE_PREFIX = 'alternet-bridge-'

const site = siteOfOrigin(self.location.origin)
const appOrigin = appOriginOf(self.location.origin)
const bridge = bridgeFiles(
  BRIDGE_CACHE_PREFIX,
  self.__WB_MANIFEST.map((e) =>
    typeof e === 'string'
      ? { url: e, revision: null }
      : { url: e.url, revision: e.revision ?? null },
  ),
)

/**
 * Whether this origin may hold kept copies (`site-cache.ts`). On a first visit it holds none:
 * each request then goes to the bridge at once, without opening and searching the copies'
 * cache first. True once this worker passes an answer on to be kept; a cache it does not know
 * of (one the site's own script made) is then only not asked, and the node answers.
 */
let copiesMayExist: Promise<boolean> = caches.has(SITE_COPIES_CACHE).catch(() => true)

/** Statuses whose responses have no body. */
const NULL_BODY = new Set([101, 204, 205, 304])

/** Status of a response made from an error thrown before any answer, when the registry has none: the bridge failed. */
const BRIDGE_FAILED_STATUS = 502

/** An ISO 8601 date as `Date.toISOString` writes it. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/

/**
 * The answer as the site frame sees it: `an://` Locations on site origins, no sniffing. The
 * node's own offline mark (an answer it made with no network, from the blocks it kept) is
 * kept when it is a date; anything else under that name is dropped.
 */
function toResponse(received: SiteResponse): Response {
  const headers = new Headers(received.headers)
  const location = headers.get('location')
  if (location !== null) headers.set('location', rewriteLocation(location, appOrigin))
  headers.set('x-content-type-options', 'nosniff')
  if (!ISO_DATE.test(headers.get(OFFLINE_COPY_HEADER) ?? '')) headers.delete(OFFLINE_COPY_HEADER)
  const body = NULL_BODY.has(received.status) ? null : received.body
  if (body === null && received.body instanceof ReadableStream)
    void received.body.cancel().catch(() => {})
  return new Response(body, { status: received.status, statusText: received.statusText, headers })
}

function thrownToResponse(error: unknown): Response {
  const name = error instanceof Error ? error.name : 'Error'
  const message = error instanceof Error ? error.message : String(error)
  return new Response(`${name}: ${message}\n`, {
    status: errorStatus(name, BRIDGE_FAILED_STATUS),
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      [ERROR_HEADER]: name,
    },
  })
}

async function answerSite({ event, request, url }: FetchContext): Promise<Response> {
  const isDocument = request.mode === 'navigate'
  const path = url.pathname + url.search
  const [bridges, kept] = await Promise.all([findBridges(), copiesMayExist])
  let bridge = bridges[0]
  let response: Response
  try {
    if (bridges.length === 0) throw new NoBridgeError('No Alternet app tab is showing this site.')
    const answer = kept
      ? await askKept(bridges, request, DEFAULT_RESPONSE_TIMEOUT)
      : await askBridge(bridges, request, DEFAULT_RESPONSE_TIMEOUT)
    bridge = answer.bridge
    response = toResponse(answer.response)
  } catch (error) {
    response = thrownToResponse(error)
  }

  const errorName = response.headers.get(ERROR_HEADER)
  if (
    errorName !== null &&
    OFFLINE_FALLBACK_ERRORS.has(errorName) &&
    !request.headers.has('range')
  ) {
    const copy = await findCopy(url, request.method)
    if (copy !== undefined) {
      void response.body?.cancel().catch(() => {})
      if (isDocument)
        tellDocument(bridge, {
          path,
          status: copy.status,
          offlineCopy: copy.headers.get(OFFLINE_COPY_HEADER) ?? undefined,
        })
      return copy
    }
  }
  if (errorName === null) {
    response = keepCopy(request, url, response, (promise) => event.waitUntil(promise))
    copiesMayExist = Promise.resolve(true)
  }
  if (errorName !== null && isDocument) {
    void response.body?.cancel().catch(() => {})
    response = failurePage({
      errorName,
      reason: response.headers.get(REASON_HEADER),
      status: response.status,
      site,
      path,
      viewerUrl: viewerUrl(appOrigin, site, path),
      framed: request.destination === 'iframe',
    })
  }
  // The node answered with no network (its kept blocks): the shell says so, as for a copy.
  const offlineCopy = errorName === null ? response.headers.get(OFFLINE_COPY_HEADER) : null
  if (isDocument) {
    tellDocument(bridge, {
      path,
      status: response.status,
      ...(errorName !== null ? { error: errorName } : {}),
      ...(offlineCopy !== null ? { offlineCopy } : {}),
    })
  }
  return response
}

/**
 * Headers of the bridge page as the relay sends them (docs/ORIGINS.md, "Headers"), kept when it
 * comes from the precache: only the app may frame it, and it gets its own agent cluster.
 */
const BRIDGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `frame-ancestors ${appOrigin}; object-src 'none'; base-uri 'none'`,
  ...ORIGIN_AGENT_CLUSTER,
}

/**
 * The site's documents get `Origin-Agent-Cluster: ?1`, so the browser can run the site's
 * frames in a process apart from the app's (site origins are same-site with the app).
 */
async function answerSiteDocument(context: FetchContext): Promise<Response> {
  const response = await answerSite(context)
  return context.request.mode === 'navigate' && response.type !== 'opaqueredirect'
    ? withHeaders(response, ORIGIN_AGENT_CLUSTER)
    : response
}

const handlers: readonly Handler[] = [
  {
    // The bridge page and its script, from the precache (they must load offline).
    name: 'bridge-files',
    canHandle: ({ request, url }) => bridge.matches(request, url),
    handle: async ({ request, url }) => {
      const response = await bridge.handle(request, url)
      return isHtml(response) ? withHeaders(response, BRIDGE_HEADERS) : response
    },
  },
  {
    // Other origins (the app, the wider web) and Alternet's own /__an/ files: the network.
    name: 'network-only',
    canHandle: ({ url }) =>
      url.origin !== self.location.origin || url.pathname.startsWith(RESERVED_PREFIX),
  },
  {
    // A top-level visit (shared link, bookmark): the site opens inside the shell's viewer.
    name: 'top-level-navigation',
    canHandle: ({ request }) => request.mode === 'navigate' && request.destination === 'document',
    handle: async ({ url }) => {
      const response = Response.redirect(viewerUrl(appOrigin, site, url.pathname + url.search), 302)
      return response
    },
  },
  {
    name: 'method-not-allowed',
    canHandle: ({ request }) => request.method !== 'GET' && request.method !== 'HEAD',
    handle: async () =>
      new Response('An Alternet site is read-only: only GET and HEAD reach it.\n', {
        status: errorStatus('MethodNotAllowedError', 405),
        headers: {
          allow: 'GET, HEAD',
          'content-type': 'text/plain; charset=utf-8',
          [ERROR_HEADER]: 'MethodNotAllowedError',
        },
      }),
  },
  {
    name: 'site-content',
    canHandle: () => true,
    handle: answerSiteDocument,
  },
]

self.addEventListener('install', () => {
  timingMark(TIMING_MARKS.swInstall)
  // This worker is plumbing, not app UI: a new one takes over at once. Nothing is downloaded
  // here: the site's first document waits for this worker to be activated.
  void self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  timingMark(TIMING_MARKS.swActivate)
  event.waitUntil(self.clients.claim())
})

/** Whether a document was asked of this worker yet (its first is marked). */
let navigated = false

self.addEventListener('fetch', (event) => {
  if (!navigated && event.request.mode === 'navigate') {
    navigated = true
    timingMark(TIMING_MARKS.swNavigate)
  }
  route(event, handlers)
  // The bridge files are cached beside the first answers, once per worker.
  bridge.fill(event)
})
