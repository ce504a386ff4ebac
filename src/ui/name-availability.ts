/**
 * Whether a site name is free, already this device's, or held by another key: what the
 * publish form shows while the person types.
 * @module
 */
import { parseSiteName } from '../core/names/index.ts'
import type { BrowserPeer } from '../net/index.ts'
import { fingerprint } from '../core/crypto/fingerprint.ts'

/** Time the person may pause typing before the name is looked up, in ms. */
export const AVAILABILITY_DEBOUNCE_MS = 400

/** What a lookup found. */
export type Availability =
  | { state: 'empty' }
  | { state: 'invalid'; error: unknown }
  | { state: 'free'; site: string }
  | { state: 'yours'; site: string }
  | { state: 'held'; site: string; holder: string; until: number }
  | { state: 'unknown'; site: string; error: unknown }

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

/** Waits `ms`, or rejects when `signal` aborts (a newer keystroke). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

/** Looks up `name:topic` for the publish form. */
export async function checkAvailability(
  peer: BrowserPeer,
  name: string,
  topic: string,
  signal: AbortSignal,
): Promise<Availability> {
  if (name.trim() === '' || topic.trim() === '') return { state: 'empty' }
  let site: string
  try {
    site = parseSiteName(`${name.trim()}:${topic.trim()}`).site
  } catch (error) {
    return { state: 'invalid', error }
  }
  const owner = await peer.storage.identity.getOrCreateOwnerKey()
  const published = await peer.storage.sites.getPublishedSite(site)
  if (published !== undefined && sameBytes(published.owner, owner.publicKey))
    return { state: 'yours', site }
  try {
    const { record } = await peer.naming.resolve(site, { signal, fresh: true })
    if (sameBytes(record.body.owner, owner.publicKey)) return { state: 'yours', site }
    return {
      state: 'held',
      site,
      holder: await fingerprint(record.body.owner),
      until: record.body.expires,
    }
  } catch (error) {
    signal.throwIfAborted()
    if ((error as Error)?.name === 'NameNotFoundError') return { state: 'free', site }
    return { state: 'unknown', site, error }
  }
}
