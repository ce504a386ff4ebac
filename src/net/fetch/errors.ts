/**
 * Typed errors of fetching. Each `name` is the class name and is stable.
 * @module
 */

/** The site's record points to no content (a CNAME chain's end, a TXT or an A record without a root). */
export class NoContentError extends Error {
  override name = 'NoContentError'
}

/** The request cannot be answered: a method other than GET or HEAD. */
export class MethodNotAllowedError extends Error {
  override name = 'MethodNotAllowedError'
}

/** A block the store held when the read began was deleted before it was read (the site was dropped meanwhile). */
export class BlockGoneError extends Error {
  override name = 'BlockGoneError'
}
