/**
 * Where an error gets its words and its status: one registry from error name to HTTP status,
 * kind of failure and the words a person reads, for the page, the service workers and Node.
 * Runtime-neutral: no DOM, no libp2p.
 * @module
 */
import type { ErrorEntry } from './error-entry.ts'
import { ERROR_REGISTRY, UNKNOWN_ERROR } from './registry.ts'

export type { ErrorEntry, ErrorWords, FailureKind } from './error-entry.ts'
export { ERROR_REGISTRY, UNKNOWN_ERROR } from './registry.ts'

/** The stable name of `error` (its `name`, for errors and plain `{ name }` objects), or `''`. */
export function errorNameOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('name' in error)) return ''
  return typeof error.name === 'string' ? error.name : ''
}

/**
 * The registry entry of an error name, or `UNKNOWN_ERROR`. Only the name decides: a `reason`
 * can come unverified from a remote host and never chooses the words.
 */
export function errorEntry(name: string | null | undefined): ErrorEntry {
  return Object.hasOwn(ERROR_REGISTRY, name ?? '') ? ERROR_REGISTRY[name!] : UNKNOWN_ERROR
}

/** Whether the registry knows `name`. */
export function isKnownError(name: string | null | undefined): boolean {
  return Object.hasOwn(ERROR_REGISTRY, name ?? '')
}

/** The HTTP status that answers an error name, or `fallback` when no status is registered for it. */
export function errorStatus(name: string | null | undefined, fallback: number): number {
  return errorEntry(name).status ?? fallback
}
