/**
 * Exit codes of `alternet`, documented in README.md ("Command line"). Scripts branch on them;
 * the kind of failure comes from the error registry, never from an error's class.
 * @module
 */
import { errorEntry, errorNameOf } from '../../core/errors/index.ts'

/** Every exit code `alternet` uses. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Any other failure (no host reachable, timed out, storage, relay). */
  error: 1,
  /** Wrong arguments or options (also a malformed address or name). */
  usage: 2,
  /** The name, the site or the file does not exist. */
  notFound: 3,
  /** Bytes or a record failed verification: nothing was written. */
  verificationFailed: 4,
  /** A key file's passphrase was wrong, or the key file is damaged. */
  keyFile: 5,
} as const

/** The exit code for an error name (`x-an-error` of a response, or an error's `name`). */
export function exitCodeForName(name: string): number {
  switch (errorEntry(name).kind) {
    case 'bad-address':
    case 'bad-input':
      return EXIT.usage
    case 'name-not-found':
      return EXIT.notFound
    case 'verification-failed':
      return EXIT.verificationFailed
    case 'key-file':
      return EXIT.keyFile
    default:
      return EXIT.error
  }
}

/** The exit code for a thrown error. */
export function exitCodeFor(error: unknown): number {
  return exitCodeForName(errorNameOf(error))
}
