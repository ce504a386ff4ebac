/**
 * Errors of mirroring. `name` is the stable code; `reason` the metric label.
 * @module
 */

/** Why a site is not mirrored here, as a metric label. */
export type MirrorRefusal =
  | 'policy'
  | 'unregistered'
  | 'owner-quota'
  | 'store-full'
  | 'disk-full'
  | 'blocked'
  | 'revoked'
  | 'unreachable'
  | 'bad-content'

/** A site this relay will not (or could not) mirror; the message says why in words. */
export class MirrorRefusedError extends Error {
  override name = 'MirrorRefusedError'
  readonly reason: MirrorRefusal

  constructor(reason: MirrorRefusal, message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}

/** A status question refused because its peer or source passed a limit (the stream is reset). */
export class MirrorQuestionLimitError extends Error {
  override name = 'MirrorQuestionLimitError'
  /** The limit passed: `streams-per-peer`, `questions-per-peer` or `questions-per-source`. */
  readonly limit: string

  constructor(limit: string) {
    super(`Too many mirror status questions (${limit}); ask again later.`)
    this.limit = limit
  }
}
