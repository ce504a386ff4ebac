/**
 * Errors of the relay. Each class's `name` is its stable code; the message is one line for the
 * operator.
 * @module
 */

/** A setting is missing, malformed or unusable (bad value, port in use, unreadable file). */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The store refused a DHT record or provider record; `reason` is the metric label. */
export class RecordRefusedError extends Error {
  override name = 'RecordRefusedError'
  /** Why, as a short label: `rollback`, `hijack`, `expired`, `blocked`, `quota`, `full`, … */
  readonly reason: string

  constructor(reason: string, message: string) {
    super(message)
    this.reason = reason
  }
}

/** A revocation was malformed or not signed by a trusted revoker. */
export class RevocationRefusedError extends Error {
  override name = 'RevocationRefusedError'
}
