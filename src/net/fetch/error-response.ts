/**
 * Typed errors as HTTP-like responses: what `fetch` answers when it cannot give the file. The
 * status comes from the error registry (`src/core/errors`) and says what kind of failure it is;
 * `x-an-error` names the error and `x-an-reason` its stable reason, so the app can show the
 * registry's words for it. The table is in docs/PROTOCOL.md, "Fetching an an:// URL".
 * @module
 */
import { ERROR_REGISTRY, errorStatus } from '../../core/errors/index.ts'
import { ERROR_HEADER, REASON_HEADER } from './constants.ts'

/** Status `fetch` answers for an error that has none in the registry: a fault of this peer. */
export const FAULT_STATUS = 500

/** Status of each typed error `fetch` turns into a response (the registry's statuses). Anything else is 500. */
export const ERROR_STATUS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(ERROR_REGISTRY).flatMap(([name, entry]) =>
    entry.status === undefined ? [] : [[name, entry.status]],
  ),
)

/** The status `fetch` answers for `error`. */
export function statusOf(error: unknown): number {
  return errorStatus(error instanceof Error ? error.name : '', FAULT_STATUS)
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
