/**
 * Kept copies: the site origin's service worker keeps each whole file it delivered (a plain GET,
 * 200, with the node's ETag, the body fully verified by the node as it streamed) in its own
 * Cache Storage, and answers a later request for that path from the copy once the node says the
 * copy is still current: the worker asks with `If-None-Match: <the copy's ETag>`, the node
 * answers 304 from the record and manifest it holds (no block is read, no body crosses the
 * bridge), and when that 304 names the same ETag and the same site root (`x-an-root`, the
 * version) the copy was kept under, the browser streams the copy to the page itself. Any other
 * answer (a new version, a file gone, an error) is used as it is, and a copy the record no longer
 * points at is deleted.
 * Copies also serve offline, as offline copies do. See docs/ARCHITECTURE.md, "Kept copies".
 * @module
 */
import { ROOT_HEADER } from '../src/core/http/headers.ts'
import { OFFLINE_COPY_HEADER } from '../src/origins/shared/constants.ts'
import type { ReceivedResponse } from '../src/origins/shared/port-stream.ts'
import { askBridge } from './site/ask-bridge.ts'
import { makeRoom, MAX_KEPT_BYTES } from './site-cache-bound.ts'
import {
  findOfflineCopy,
  isKeepable,
  keepOfflineCopy,
  keyOf,
  OFFLINE_CACHE,
  splitForCopy,
} from './site/offline-copies.ts'

/** The cache of kept copies; the suffix is the format's version. Only this worker writes it. */
export const SITE_COPIES_CACHE = 'alternet-site-copies-v1'

/** On a kept copy: the ETag the node gave the body when it was written. */
const KEPT_ETAG_HEADER = 'x-an-kept-etag'

/** On an answer made from a kept copy: the ETag the node confirmed for it. */
export const KEPT_COPY_HEADER = 'x-an-kept-copy'

/** An answer for the page: the node's, or one made from a kept copy (its body a Blob). */
export interface SiteResponse extends Omit<ReceivedResponse, 'body'> {
  body: ReadableStream<Uint8Array> | Blob | null
}

/** {@link SiteResponse} and the bridge that gave it or confirmed it. */
export interface SiteAnswer {
  response: SiteResponse
  bridge: WindowClient
}

/** Whether `request` may be answered from a kept copy: a plain GET of the whole body. */
function isPlainGet(request: Request): boolean {
  return (
    request.method === 'GET' &&
    !request.headers.has('range') &&
    !request.headers.has('if-none-match')
  )
}

/**
 * The kept copy for `url` when it is one this worker wrote: a 200 whose ETag and kept mark agree
 * and whose length is stated. Anything else under the name (the site's own script can write it)
 * is not one.
 */
async function keptCopy(cache: Cache, url: URL): Promise<Response | undefined> {
  const copy = await cache.match(keyOf(url))
  if (copy === undefined) return undefined
  const etag = copy.headers.get('etag')
  const length = Number(copy.headers.get('content-length') ?? NaN)
  const valid =
    copy.status === 200 &&
    etag !== null &&
    copy.headers.has(ROOT_HEADER) &&
    copy.headers.get(KEPT_ETAG_HEADER) === etag &&
    !copy.headers.has('content-range') &&
    Number.isSafeInteger(length) &&
    length >= 0
  if (valid) return copy
  void copy.body?.cancel().catch(() => {})
  return undefined
}

/**
 * Asks the bridge for `request`, through the kept copy when there is one: the node is asked
 * whether the copy's ETag is still the path's, and a 304 naming it under the same site root is
 * answered with the copy's body (its headers freshened by the 304's, marked with
 * {@link KEPT_COPY_HEADER}). Otherwise the node's own answer is returned, and a copy it no longer
 * confirms is deleted. The root is compared as well as the ETag: a copy is only served while the
 * version it was kept under is current, so what a version's own script wrote into this cache never
 * reaches a visitor of another version (docs/ARCHITECTURE.md, "Kept copies").
 */
export async function askKept(
  bridges: readonly WindowClient[],
  request: Request,
  timeout: number,
): Promise<SiteAnswer> {
  if (!isPlainGet(request)) return askBridge(bridges, request, timeout)
  const url = new URL(request.url)
  const cache = await caches.open(SITE_COPIES_CACHE).catch(() => undefined)
  const copy = cache === undefined ? undefined : await keptCopy(cache, url)
  if (cache === undefined || copy === undefined) return askBridge(bridges, request, timeout)
  const etag = copy.headers.get('etag')!
  // Taken while the node is asked: a Blob of a cached body is a reference, no read.
  const body = copy.blob().catch(() => undefined)
  const headers = new Headers(request.headers)
  headers.set('if-none-match', etag)
  // `mode` stays out: a navigation request cannot be copied as one.
  const conditional = new Request(request.url, { headers, signal: request.signal })
  const answer = await askBridge(bridges, conditional, timeout)
  const { response } = answer
  if (
    response.status === 304 &&
    response.headers.get('etag') === etag &&
    response.headers.get(ROOT_HEADER) === copy.headers.get(ROOT_HEADER)
  ) {
    const blob = await body
    if (blob !== undefined) return { ...answer, response: fromCopy(copy, response, blob) }
  }
  // A new version, a file gone, a copy that cannot be read: the copy is no longer the path's. (An
  // error keeps it for offline.)
  if (response.status < 500) void cache.delete(keyOf(url)).catch(() => {})
  if (response.status !== 304) return answer
  // The same bytes under another version: asked again, whole, as if nothing were kept.
  void response.body?.cancel().catch(() => {})
  return askBridge(bridges, request, timeout)
}

/**
 * The answer made from `copy` once the node confirmed it with `confirmation` (a 304). Its body is
 * the copy as a Blob, which the browser streams to the page itself: a stream read through this
 * worker moves the bytes 64 KiB at a time and took twice as long (docs/ARCHITECTURE.md).
 */
function fromCopy(copy: Response, confirmation: ReceivedResponse, body: Blob): SiteResponse {
  const headers = new Headers(copy.headers)
  headers.delete(KEPT_ETAG_HEADER)
  // The copy's date is for offline use; the node says itself when it answered offline.
  headers.delete(OFFLINE_COPY_HEADER)
  for (const [name, value] of confirmation.headers) headers.set(name, value)
  headers.set(KEPT_COPY_HEADER, copy.headers.get('etag')!)
  return { status: 200, statusText: copy.statusText, headers, body }
}

/** Whether the node's `response` to `request` is a whole verified file worth keeping. */
function isWholeFile(request: Request, response: Response): boolean {
  if (!isPlainGet(request) || response.status !== 200 || response.body === null) return false
  if (response.headers.has('content-range') || !response.headers.has('etag')) return false
  if (!response.headers.has(ROOT_HEADER)) return false
  const length = Number(response.headers.get('content-length') ?? NaN)
  return Number.isSafeInteger(length) && length <= MAX_KEPT_BYTES / 4
}

/**
 * Keeps what the node answered: a whole file as a kept copy (written while it streams to the
 * page; a body that fails midway leaves none), anything else as an offline copy when that layer
 * keeps it. Returns the response for the page.
 */
export function keepCopy(
  request: Request,
  url: URL,
  response: Response,
  waitUntil: (p: Promise<unknown>) => void,
): Response {
  // An answer made from a kept copy is kept already.
  if (response.headers.has(KEPT_COPY_HEADER)) return response
  if (!isWholeFile(request, response)) {
    return isKeepable(request, response) ? keepOfflineCopy(url, response, waitUntil) : response
  }
  const headers = new Headers(response.headers)
  headers.set(KEPT_ETAG_HEADER, headers.get('etag')!)
  const { forPage, copy } = splitForCopy(response, headers)
  const bytes = Number(headers.get('content-length'))
  waitUntil(
    (async () => {
      const cache = await caches.open(SITE_COPIES_CACHE)
      await makeRoom(cache, bytes)
      await cache.put(keyOf(url), copy)
      // One place per path: an older offline copy of it would only shadow this one.
      await (await caches.open(OFFLINE_CACHE)).delete(keyOf(url))
    })().catch(() => {
      // Quota or a failed body: the page has its answer; nothing is kept.
      void copy.body?.cancel().catch(() => {})
    }),
  )
  return forPage
}

/** The copy for `url` to show offline: a kept copy, else an offline copy (for HEAD: without body). */
export async function findCopy(url: URL, method: string): Promise<Response | undefined> {
  const cache = await caches.open(SITE_COPIES_CACHE)
  const copy = await keptCopy(cache, url)
  if (copy === undefined) return findOfflineCopy(url, method)
  const headers = new Headers(copy.headers)
  headers.delete(KEPT_ETAG_HEADER)
  if (method === 'HEAD') {
    void copy.body?.cancel().catch(() => {})
    return new Response(null, { status: 200, headers })
  }
  return new Response(await copy.blob(), { status: 200, statusText: copy.statusText, headers })
}
