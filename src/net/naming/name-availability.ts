/**
 * Whether a site name is free, already this device's, or held by another key: what the
 * publish form shows while the person types.
 * @module
 */
import { parseSiteName } from '../../core/names/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import { fingerprint } from '../../core/crypto/fingerprint.ts'
import type { ResolvedName, ResolveOptions } from './resolver.ts'

/** What the check reads: this device's owner key and sites, and the naming service. */
export interface AvailabilityParts {
  storage: Pick<AlternetStorage, 'identity' | 'sites'>
  naming: { resolve(site: string, options?: ResolveOptions): Promise<ResolvedName> }
}

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

/** Looks up `name:topic` for the publish form. */
export async function checkAvailability(
  parts: AvailabilityParts,
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
  const owner = await parts.storage.identity.getOrCreateOwnerKey()
  const published = await parts.storage.sites.getPublishedSite(site)
  if (published !== undefined && sameBytes(published.owner, owner.publicKey))
    return { state: 'yours', site }
  try {
    const { record } = await parts.naming.resolve(site, { signal, fresh: true })
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
