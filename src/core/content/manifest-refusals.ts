/**
 * Manifest roots refused recently, so that the same root is neither fetched nor decoded again.
 * Only refusals of bytes verified against their root are kept: what a root names never changes,
 * and a host sending wrong bytes cannot get a good root refused. See docs/PROTOCOL.md,
 * "Manifest".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { MAX_REMEMBERED_REFUSALS } from './constants.ts'
import { MalformedManifestError } from './errors.ts'

/** The refusals, oldest first, by root. */
const refusals = new Map<string, MalformedManifestError>()

/**
 * Why the manifest `root` was refused, when `decodeManifest` refused it (after checking its
 * bytes against `root`) recently: a caller can then skip fetching it again.
 */
export function manifestRefusal(root: CID): MalformedManifestError | undefined {
  const refusal = refusals.get(root.toString())
  return refusal === undefined
    ? undefined
    : new MalformedManifestError(refusal.reason, refusal.message)
}

/** Keeps the refusal of `root`, whose bytes were verified; forgets the oldest past the limit. */
export function rememberRefusal(root: CID, error: MalformedManifestError): void {
  refusals.delete(root.toString())
  refusals.set(root.toString(), error)
  if (refusals.size > MAX_REMEMBERED_REFUSALS)
    refusals.delete(refusals.keys().next().value as string)
}
