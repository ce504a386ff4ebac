/**
 * Offline copies: the site origin keeps the last verified answer to each GET it served (in
 * Cache Storage, per site origin), so a site visited before opens with no network and no
 * peers. A copy carries `x-an-offline-copy: <when it was made>`. The node keeps the verified
 * blocks as well (IndexedDB) and marks an answer it made from them with no network the same way
 * (dated when it last received the site's record); this layer also covers the case where the
 * node cannot run or cannot even resolve the name offline.
 * @module
 */
import { OFFLINE_COPY_HEADER } from '../../src/origins/shared/constants.ts'

/** The cache of offline copies. The suffix is the format's version, not the app's: copies survive app updates. */
export const OFFLINE_CACHE = 'alternet-offline-copies-v1'

/** Largest response body kept as an offline copy, in bytes (larger media is left to the node's block store). */
export const MAX_OFFLINE_COPY_BYTES = 16 * 1024 * 1024

/**
 * Typed errors after which an offline copy is shown instead of the failure: the site or its
 * hosts cannot be reached. A revoked name, a changed owner key or bad bytes are shown as such.
 */
export const OFFLINE_FALLBACK_ERRORS: ReadonlySet<string> = new Set([
  'HostUnreachableError',
  'RouteStatusError',
  'RouteProtocolError',
  'TimeoutError',
  'RequestTimeoutError',
  'LookupTimeoutError',
  'ResponseTimeoutError',
  'NameNotFoundError',
  'NoBridgeError',
  'BridgeNotConnectedError',
  'BridgeTimeoutError',
  'NodeUnavailableError',
])

/** The cache key of a request: the URL without fragment, always GET. */
export function keyOf(url: URL): string {
  return `${url.origin}${url.pathname}${url.search}`
}

/** Whether `response` to a request with `request` is worth keeping. */
export function isKeepable(request: Request, response: Response): boolean {
  if (request.method !== 'GET' || request.headers.has('range')) return false
  if (response.status === 301) return true
  if (response.status !== 200 || response.headers.has('content-range')) return false
  const length = Number(response.headers.get('content-length'))
  return Number.isFinite(length) && length <= MAX_OFFLINE_COPY_BYTES
}

/**
 * Splits `response` in two as it streams: the response for the page, and a copy with `headers`
 * (marked with the time it was kept, unless the node made it offline) for a cache to store.
 */
export function splitForCopy(
  response: Response,
  headers: Headers,
): { forPage: Response; copy: Response } {
  // An answer the node made offline keeps its own date: the copy is no newer than that.
  if (!headers.has(OFFLINE_COPY_HEADER)) headers.set(OFFLINE_COPY_HEADER, new Date().toISOString())
  let toPage: ReadableStream<Uint8Array> | null = null
  let toCache: ReadableStream<Uint8Array> | null = null
  if (response.body !== null) [toPage, toCache] = response.body.tee()
  const init = { status: response.status, statusText: response.statusText }
  return {
    forPage: new Response(toPage, { ...init, headers: response.headers }),
    copy: new Response(toCache, { ...init, headers }),
  }
}

/**
 * Keeps a copy of `response` while it streams to the page: returns the response for the page.
 * A body that fails midway (a block that fails verification) leaves no copy.
 */
export function keepOfflineCopy(
  url: URL,
  response: Response,
  waitUntil: (p: Promise<unknown>) => void,
): Response {
  const { forPage, copy } = splitForCopy(response, new Headers(response.headers))
  waitUntil(
    caches
      .open(OFFLINE_CACHE)
      .then((cache) => cache.put(keyOf(url), copy))
      .catch(() => {}),
  )
  return forPage
}

/** The offline copy for `url`, if one was kept (for HEAD: without body). */
export async function findOfflineCopy(url: URL, method: string): Promise<Response | undefined> {
  const cache = await caches.open(OFFLINE_CACHE)
  const copy = await cache.match(keyOf(url))
  if (copy === undefined) return undefined
  if (method === 'HEAD') return new Response(null, { status: copy.status, headers: copy.headers })
  return copy
}
