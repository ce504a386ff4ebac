/**
 * Typed errors as HTTP-like responses: what `fetch` answers when it cannot give the file. The
 * status comes from the error registry (`src/core/errors`) and says what kind of failure it is;
 * `x-an-error` names the error and `x-an-reason` its stable reason, so the app can show the
 * registry's words for it. The answer itself is the core's (`errorReply`, `src/core/http`).
 * The table is in docs/PROTOCOL.md, "Fetching an an:// URL".
 * @module
 */
import { ERROR_REGISTRY, errorStatus } from '../../core/errors/index.ts'
import { FAULT_STATUS, errorReply } from '../../core/http/index.ts'

export { FAULT_STATUS } from '../../core/http/index.ts'

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
  const { status, headers, text } = errorReply(error, extra)
  return new Response(text, { status, headers })
}
