/**
 * Typed errors of the relay's HTTP gateway. Their statuses and the words a person reads are in
 * the error registry (`src/core/errors`).
 * @module
 */

/** A client address started more gateway requests than its share (status 429). */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError'
}

/** The gateway has as many requests in progress as it takes (status 503). */
export class GatewayBusyError extends Error {
  override name = 'GatewayBusyError'
}

/** This relay's operator blocked the site's content (status 451). */
export class ContentBlockedError extends Error {
  override name = 'ContentBlockedError'
}
