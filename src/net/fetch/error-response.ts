/**
 * Typed errors as HTTP-like responses: what `fetch` answers when it cannot give the file. The
 * status says what kind of failure it is; `x-an-error` names the error class and
 * `x-an-reason` its stable reason, so the app can show a message a person understands.
 * The table is in docs/PROTOCOL.md, "Fetching an an:// URL".
 * @module
 */
import { ERROR_HEADER, REASON_HEADER } from './constants.ts'

/** Status of each typed error `fetch` turns into a response. Anything else is 500. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  // The address or request is wrong.
  InvalidNameError: 400,
  InvalidPathError: 400,
  MethodNotAllowedError: 405,
  // The name.
  NameNotFoundError: 404,
  NameRevokedError: 410,
  RevocationCheckFailedError: 503,
  NoContentError: 404,
  OwnerKeyChangedError: 409,
  CnameLoopError: 508,
  // The hosts and the bytes they sent.
  HostUnreachableError: 502,
  RouteStatusError: 502,
  RouteProtocolError: 502,
  BlockVerificationError: 502,
  MalformedManifestError: 502,
  RequestTimeoutError: 504,
  TimeoutError: 504,
}

/** The status `fetch` answers for `error`. */
export function statusOf(error: unknown): number {
  const name = error instanceof Error ? error.name : ''
  return ERROR_STATUS[name] ?? 500
}

/** A plain-text response for `error`, with `x-an-error` (and `x-an-reason` when it has one). */
export function errorResponse(error: unknown, extra: Record<string, string> = {}): Response {
  const err = error instanceof Error ? error : new Error(String(error))
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    [ERROR_HEADER]: err.name,
    ...extra,
  }
  const reason = (err as { reason?: unknown }).reason
  if (typeof reason === 'string') headers[REASON_HEADER] = reason
  return new Response(`${err.name}: ${err.message}\n`, { status: statusOf(err), headers })
}
