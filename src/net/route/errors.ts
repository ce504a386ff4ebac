/**
 * Typed errors of `/an/route/1.0.0`. Each `name` is the class name and is stable; callers and
 * tests branch on `name` (and `reason` or `status`), never on message text.
 * @module
 */

/** Why a frame or a response was refused. Stable strings: see docs/PROTOCOL.md, "Frames". */
export type RouteProtocolReason =
  | 'frame-too-large'
  | 'invalid-length'
  | 'not-cbor'
  | 'not-canonical'
  | 'not-a-map'
  | 'unsupported-version'
  | 'unknown-field'
  | 'invalid-field'
  | 'truncated'
  | 'body-too-long'
  | 'trailing-bytes'

/** A peer broke the wire format: a malformed, oversized or truncated frame or body. */
export class RouteProtocolError extends Error {
  override name = 'RouteProtocolError'
  /** Which rule the peer broke. */
  readonly reason: RouteProtocolReason
  constructor(reason: RouteProtocolReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** No stream could be opened to a host (dial failed, protocol not supported, connection gone), or no host is left to try. */
export class HostUnreachableError extends Error {
  override name = 'HostUnreachableError'
  /** The failures behind this one, one per host tried, when there were several. */
  readonly errors: readonly unknown[]
  constructor(message: string, options: { cause?: unknown; errors?: readonly unknown[] } = {}) {
    super(message, { cause: options.cause })
    this.errors = options.errors ?? []
  }
}

/**
 * The peer did not answer in time: no response header within the client's response timeout, or
 * a body that stalled or came slower than the minimum throughput (`slow`).
 */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError'
  /** True when the peer kept moving bytes, but slower than the minimum throughput. */
  readonly slow: boolean
  constructor(message: string, options: { slow?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.slow = options.slow ?? false
  }
}

/** A host answered with a status the caller cannot use (a block it does not have, a busy host...). */
export class RouteStatusError extends Error {
  override name = 'RouteStatusError'
  /** The HTTP-like status of the response. */
  readonly status: number
  /** The response's `x-an-reason` header, when it had one. */
  readonly reason: string | undefined
  constructor(status: number, reason: string | undefined, message: string) {
    super(message)
    this.status = status
    this.reason = reason
  }
}
