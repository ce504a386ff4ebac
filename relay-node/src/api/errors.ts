/**
 * Errors of the registrar API. Each is answered as JSON `{ ok: false, error, message }`:
 * `error` is a stable code for scripts, `message` words for a person.
 * @module
 */

/** A request the API refuses; `code` is the stable `error` field, `status` the HTTP status. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError'
  readonly status: number
  readonly code: string
  /** Extra fields of the JSON answer (e.g. the missing blocks). */
  readonly details: Record<string, unknown>

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
  }
}
