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
  /**
   * The bytes could not all be verified against the owner's signed record: a block or a record
   * was altered, or a block of the file could be had from no source. Nothing was written.
   */
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

/** An error that carries the exit code it ends the command with. */
export interface WithExitCode {
  exitCode: number
}

/** Marks `error` to end the command with `code` (whatever its kind), and returns it. */
export function withExitCode<E>(error: E, code: number): E {
  if (typeof error === 'object' && error !== null)
    (error as unknown as WithExitCode).exitCode = code
  return error
}

/** The exit code for a thrown error: the one it carries, else by its kind. */
export function exitCodeFor(error: unknown): number {
  const carried = (error as Partial<WithExitCode> | null)?.exitCode
  if (typeof carried === 'number' && Object.values(EXIT).includes(carried as never)) return carried
  return exitCodeForName(errorNameOf(error))
}
