/**
 * Asking relays whether a name is revoked: `GET /revocations/<percent-encoded canonical name>`
 * answers 200 with the signed revocation of the name or its root, else 404. Only a revocation
 * that verifies under a revoker the relays trust counts. See docs/PROTOCOL.md ("Revocation").
 *
 * The check fails closed: a relay that answers with an error status (a 431 because a site
 * stuffed the browser with cookies, a 5xx) is asked once more, and when every relay asked
 * answered with an error, the look-up throws `RevocationCheckFailedError` rather than treat the
 * name as not revoked. A relay that cannot be reached at all (offline) counts as no answer.
 * @module
 */
import { rootSiteName } from '../../core/names/index.ts'
import {
  verifyRevocation,
  type SignedRecord,
  type SignedRevocation,
} from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import {
  REVOCATION_CHECK_RELAYS,
  REVOCATION_CHECK_RETRY_MS,
  REVOCATION_CHECK_TIMEOUT_MS,
} from './constants.ts'
import { NameRevokedError } from './errors.ts'

/** Where revocations come from: the node's relays. */
export interface RevocationSource {
  /** Revoker keys the relays trust. */
  trustedRevokers(): readonly Uint8Array[]
  /** HTTP origins of the relays connected now. */
  connectedRelayUrls(): readonly string[]
}

/** Every relay asked answered the revocation check with an error: the name is not shown. */
export class RevocationCheckFailedError extends Error {
  override name = 'RevocationCheckFailedError'
}

/** One relay's answer. */
type Answer =
  | { kind: 'revoked'; revocation: SignedRevocation }
  | { kind: 'none' }
  | { kind: 'failed'; status: number }

async function askOnce(
  base: string,
  name: string,
  trustedRevokers: readonly Uint8Array[],
  signal: AbortSignal,
): Promise<Answer> {
  let response: Response
  try {
    response = await fetch(new URL(`/revocations/${encodeURIComponent(name)}`, base), {
      signal,
      cache: 'no-store',
      // Never send the relay's cookies: any site can set cookies on the app's parent domain.
      credentials: 'omit',
    })
  } catch {
    // unreachable or slow: no answer from this relay
    return { kind: 'none' }
  }
  if (response.status === 404) return { kind: 'none' }
  if (response.status !== 200) return { kind: 'failed', status: response.status }
  try {
    const revocation = await verifyRevocation(new Uint8Array(await response.arrayBuffer()), {
      trustedRevokers,
    })
    const { body } = revocation
    return body.name === name || body.name === rootSiteName(name)
      ? { kind: 'revoked', revocation }
      : { kind: 'none' }
  } catch {
    // not a revocation we trust
    return { kind: 'none' }
  }
}

/** Asks one relay, once more after `REVOCATION_CHECK_RETRY_MS` when it answered with an error. */
async function askOne(
  base: string,
  name: string,
  trustedRevokers: readonly Uint8Array[],
  signal: AbortSignal,
): Promise<Answer> {
  const first = await askOnce(base, name, trustedRevokers, signal)
  if (first.kind !== 'failed' || signal.aborted) return first
  await new Promise((resolve) => setTimeout(resolve, REVOCATION_CHECK_RETRY_MS))
  return signal.aborted ? first : askOnce(base, name, trustedRevokers, signal)
}

/**
 * The revocation of `name` (or its root) a connected relay holds, verified; undefined when none
 * answers with one within `REVOCATION_CHECK_TIMEOUT_MS`. Rejects with
 * `RevocationCheckFailedError` when every relay asked answered with an error status.
 */
export async function findRevocation(
  source: RevocationSource | undefined,
  name: string,
  signal?: AbortSignal,
): Promise<SignedRevocation | undefined> {
  if (source === undefined) return undefined
  const trustedRevokers = source.trustedRevokers()
  if (trustedRevokers.length === 0) return undefined
  const urls = source.connectedRelayUrls().slice(0, REVOCATION_CHECK_RELAYS)
  if (urls.length === 0) return undefined
  const controller = new AbortController()
  const timeout = AbortSignal.timeout(REVOCATION_CHECK_TIMEOUT_MS)
  const combined = AbortSignal.any(
    signal == null ? [controller.signal, timeout] : [controller.signal, timeout, signal],
  )
  return new Promise((resolve, reject) => {
    let left = urls.length
    const failures: string[] = []
    for (const url of urls) {
      void askOne(url, name, trustedRevokers, combined).then((answer) => {
        left--
        if (answer.kind === 'revoked') {
          controller.abort()
          resolve(answer.revocation)
          return
        }
        if (answer.kind === 'failed') failures.push(`${url} answered ${answer.status}`)
        if (left > 0) return
        if (failures.length === urls.length)
          reject(
            new RevocationCheckFailedError(
              `No relay could say whether ${name} is revoked: ${failures.join('; ')}.`,
            ),
          )
        else resolve(undefined)
      })
    }
  })
}

/**
 * Throws `NameRevokedError` (and forgets the cached record in `storage`) when `revocation`
 * covers `name`: the whole name, or the content of `record`.
 */
export async function throwIfRevoked(
  storage: AlternetStorage,
  name: string,
  revocation: SignedRevocation | undefined,
  record?: SignedRecord,
): Promise<void> {
  if (revocation === undefined) return
  const { roots } = revocation.body
  const content = record?.body.content
  const whole = roots.length === 0
  if (!whole && (content === undefined || !roots.some((root) => root.equals(content)))) return
  await storage.records.deleteCachedRecord(name)
  throw new NameRevokedError(name, revocation.body.name, revocation.body.issued)
}
