/**
 * Errors of the node, the store and the bridge, in the words a person reads: the error
 * registry's (`src/core/errors`), chosen by the error's stable `name`, never by its message.
 * @module
 */
import { errorEntry, errorNameOf, isKnownError, type ErrorWords } from '../core/errors/index.ts'

/** What went wrong, for the person: a short title, why, and what they can do. */
export interface ErrorText extends ErrorWords {
  /** The error's own message is written for people and says more (which sites, which check): show it too. */
  showOwn?: boolean
}

/** The person-facing text for `error`; errors the registry does not know keep their own message. */
export function errorText(error: unknown): ErrorText {
  const name = errorNameOf(error)
  if (isKnownError(name)) {
    const { title, explanation, action, showOwn } = errorEntry(name)
    return { title, explanation, action, ...(showOwn === true ? { showOwn } : {}) }
  }
  const { title, action } = errorEntry(undefined)
  return { title, explanation: errorMessage(error), action }
}

/**
 * The title of a failure known only by what the node reports for it (a relay's last error): the
 * registry's words when it is an error name, else the text as it is (a message).
 */
export function errorTitle(nameOrMessage: string): string {
  return isKnownError(nameOrMessage) ? errorEntry(nameOrMessage).title : nameOrMessage
}

/** An error the app itself raises, with a stable `name` that the error registry knows. */
export function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name })
}

/** The error's own message when it says something more specific (a reason, a list of sites). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
