/**
 * Asking relays whether a name is revoked: `GET /revocations/<percent-encoded canonical name>`
 * answers 200 with the signed revocation of the name or its root, else 404. Only a revocation
 * that verifies under a revoker the relays trust counts. See docs/PROTOCOL.md ("Revocation").
 * @module
 */
import { rootSiteName } from '../../core/names/index.ts'
import { verifyRevocation, type SignedRevocation } from '../../core/records/index.ts'
import { REVOCATION_CHECK_RELAYS, REVOCATION_CHECK_TIMEOUT_MS } from './constants.ts'

/** Where revocations come from: the node's relays. */
export interface RevocationSource {
  /** Revoker keys the relays trust. */
  trustedRevokers(): readonly Uint8Array[]
  /** HTTP origins of the relays connected now. */
  connectedRelayUrls(): readonly string[]
}

async function askOne(
  base: string,
  name: string,
  trustedRevokers: readonly Uint8Array[],
  signal: AbortSignal,
): Promise<SignedRevocation | undefined> {
  try {
    const response = await fetch(new URL(`/revocations/${encodeURIComponent(name)}`, base), {
      signal,
      cache: 'no-store',
    })
    if (response.status !== 200) return undefined
    const revocation = await verifyRevocation(new Uint8Array(await response.arrayBuffer()), {
      trustedRevokers,
    })
    const { body } = revocation
    return body.name === name || body.name === rootSiteName(name) ? revocation : undefined
  } catch {
    // unreachable, slow, or not a revocation we trust: none from this relay
    return undefined
  }
}

/**
 * The revocation of `name` (or its root) a connected relay holds, verified; undefined when none
 * answers with one within `REVOCATION_CHECK_TIMEOUT_MS`. Never rejects.
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
  return new Promise((resolve) => {
    let left = urls.length
    for (const url of urls) {
      void askOne(url, name, trustedRevokers, combined).then((revocation) => {
        left--
        if (revocation !== undefined) {
          controller.abort()
          resolve(revocation)
        } else if (left === 0) resolve(undefined)
      })
    }
  })
}
