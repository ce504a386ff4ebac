/**
 * Every HTTP answer of a site, written once as pure functions: a file (200, 206 for a range,
 * 304 for a matching `If-None-Match`, 416 for a range outside the file), the site's 404 page,
 * the plain 404, the 301 from a folder to its index, and a typed error with the status the
 * error registry gives it. They decide status and headers only; the caller sends the bytes
 * `bytes` names, each block verified (`readVerified`). The app's fetch, the host's route
 * answers and the relay's gateway build their responses from these. See docs/PROTOCOL.md,
 * "Status codes" and "Fetching an an:// URL".
 * @module
 */
import {
  RangeNotSatisfiableError,
  contentRange,
  lookupPath,
  notFoundEntry,
  parseRange,
  type ByteRange,
  type FileEntry,
  type Manifest,
} from '../content/index.ts'
import { errorStatus } from '../errors/index.ts'
import { etagOf, ifNoneMatchMatches } from './etag.ts'
import { ERROR_HEADER, REASON_HEADER, ROOT_HEADER } from './headers.ts'

/** An answer decided before any body byte is sent. */
export interface ReplyHead {
  status: number
  headers: Record<string, string>
  /** The bytes of the file to send, `[start, end)`; absent when the answer has no body. */
  bytes?: ByteRange
}

/** What a file answer depends on in the request. */
export interface FileRequest {
  /** `GET` or `HEAD`: a `HEAD` answer names no body. */
  method: string
  /** The `If-None-Match` header. */
  ifNoneMatch?: string | null
  /** The `Range` header. */
  range?: string | null
}

/** How a file is answered. */
export interface FileReplyInit {
  /** 200 for the file asked for, 404 for the site's 404 page (no ETag, no range). */
  status: 200 | 404
  /** The content root the file comes from (`x-an-root`). */
  root: string
  /** Headers of this server added to every answer with the file's validators (cache policy). */
  headers?: Record<string, string>
}

/** Status of a response that answers a typed error the registry gives no status. */
export const FAULT_STATUS = 500

/** A reply without body: `status`, with `reason` in `x-an-reason` when given. */
export function statusReply(
  status: number,
  reason?: string,
  headers: Record<string, string> = {},
): ReplyHead {
  return {
    status,
    headers: reason === undefined ? headers : { ...headers, [REASON_HEADER]: reason },
  }
}

/**
 * The answer for a file: 304 when `If-None-Match` names its ETag, 416 when the range asks for
 * no byte of it, 206 with `Content-Range` for one range, else `init.status` with the whole file.
 */
export async function fileReply(
  entry: FileEntry,
  request: FileRequest,
  init: FileReplyInit,
): Promise<ReplyHead> {
  const extra = init.headers ?? {}
  const headers: Record<string, string> = {
    'content-type': entry.type,
    ...extra,
    [ROOT_HEADER]: init.root,
  }
  let range: ByteRange | null = null
  if (init.status === 200) {
    const etag = await etagOf(entry)
    headers.etag = etag
    headers['accept-ranges'] = 'bytes'
    if (ifNoneMatchMatches(request.ifNoneMatch ?? undefined, etag))
      return { status: 304, headers: { etag, ...extra, [ROOT_HEADER]: init.root } }
    try {
      range = parseRange(request.range, entry.size)
    } catch (error) {
      if (!(error instanceof RangeNotSatisfiableError)) throw error
      return statusReply(416, 'range-not-satisfiable', { 'content-range': `bytes */${entry.size}` })
    }
  } else {
    headers[REASON_HEADER] = 'not-found'
  }
  const start = range?.start ?? 0
  const end = range?.end ?? entry.size
  headers['content-length'] = String(end - start)
  if (range !== null) headers['content-range'] = contentRange(range, entry.size)
  const status = range === null ? init.status : 206
  return request.method === 'HEAD'
    ? { status, headers }
    : { status, headers, bytes: { start, end } }
}

/** The 301 from a folder asked without its trailing `/` to its index. */
export function redirectReply(location: string, root: string): ReplyHead {
  return { status: 301, headers: { location, [ROOT_HEADER]: root } }
}

/** The 404 of a site that has no 404 page. */
export function notFoundReply(root: string): ReplyHead {
  return statusReply(404, 'not-found', { [ROOT_HEADER]: root })
}

/** What a path of a site answers with: a file (or the 404 page), a folder redirect, or nothing. */
export type PathMatch =
  { file: FileEntry; status: 200 | 404; path: string } | { redirect: string } | { missing: true }

/**
 * Looks a normalised request path up: the file (status 200), the folder redirect (its
 * percent-encoded path with the trailing `/`), the site's 404 page (status 404), or nothing.
 */
export function matchPath(manifest: Manifest, path: string): PathMatch {
  const found = lookupPath(manifest, path)
  if (found === null) {
    const page = notFoundEntry(manifest)
    return page === null ? { missing: true } : { file: page.entry, status: 404, path: page.path }
  }
  if ('redirect' in found) return found
  return { file: found.entry, status: 200, path: found.path }
}

/** An error as a plain-text answer. */
export interface ErrorReply extends ReplyHead {
  /** The body: the error's name and message, one line. */
  text: string
}

/**
 * A typed error as an answer: the registry's status (`FAULT_STATUS` when it has none), the
 * error's name in `x-an-error` and its stable reason in `x-an-reason` when it has one, so that
 * a reader shows the registry's words for it.
 */
export function errorReply(error: unknown, extra: Record<string, string> = {}): ErrorReply {
  const err = error instanceof Error ? error : new Error(String(error))
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    [ERROR_HEADER]: err.name,
    ...extra,
  }
  const reason = (err as { reason?: unknown }).reason
  if (typeof reason === 'string') headers[REASON_HEADER] = reason
  return {
    status: errorStatus(err.name, FAULT_STATUS),
    headers,
    text: `${err.name}: ${err.message}\n`,
  }
}
