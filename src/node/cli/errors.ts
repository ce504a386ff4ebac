/**
 * Errors of the command line. Each class's `name` is its code; the words a person reads are in
 * the error registry (`src/core/errors/registry.ts`).
 * @module
 */

/** The site has no file at the path asked for (and no 404 page). */
export class PageNotFoundError extends Error {
  override name = 'PageNotFoundError'
}

/** The command line was not understood: an unknown command or option, or a missing or bad argument. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A passphrase is needed and there is neither a terminal to ask on nor `ALTERNET_PASSPHRASE`. */
export class PassphraseRequiredError extends Error {
  override name = 'PassphraseRequiredError'
}

/** The relay's registrar API answered 401: the token is missing, wrong or withdrawn. */
export class ApiTokenRefusedError extends Error {
  override name = 'ApiTokenRefusedError'
}

/** The relay's registrar API refused a publish (its words are the message). */
export class ApiPublishRefusedError extends Error {
  override name = 'ApiPublishRefusedError'
}
