/**
 * Names follow the owner key to a new device. After a key import, the names the key holds are
 * found three ways: the key file's `sites` hint (written at export), the records this device
 * already received, and names the person types in My sites. Each is kept only once the
 * network's signed record for it names this key as its holder; it is then listed in My sites as
 * published from here (not hosted: the content stays on the devices that host it) and its record
 * is republished from here, which keeps the name up.
 * @module
 */
import { equals } from '../../core/bytes.ts'
import { parseSiteName } from '../../core/names/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import type { ResolvedName } from '../naming/index.ts'

/** What finding a key's names needs: the store, and a fresh look-up of a name. */
export interface OwnSitesParts {
  storage: Pick<AlternetStorage, 'sites' | 'records'>
  resolve(site: string, options: { fresh: true }): Promise<Pick<ResolvedName, 'record'>>
}

/** What looking for the key's names found. */
export interface FoundSites {
  /** Names the key holds, now listed in My sites. */
  adopted: string[]
  /** Names another key holds. */
  held: string[]
  /** Names nobody holds now, or that could not be looked up. */
  missing: string[]
}

/**
 * Looks `names` up in the network (fresh) and keeps, as published from this device, those whose
 * record `owner` holds. Names already listed are left as they are.
 */
export async function adoptSites(
  peer: OwnSitesParts,
  owner: Uint8Array,
  names: readonly string[],
): Promise<FoundSites> {
  const found: FoundSites = { adopted: [], held: [], missing: [] }
  const unique = [...new Set(names.map((name) => parseSiteName(name).site))]
  await Promise.all(
    unique.map(async (site) => {
      if ((await peer.storage.sites.getPublishedSite(site)) !== undefined) {
        found.adopted.push(site)
        return
      }
      try {
        const { record } = await peer.resolve(site, { fresh: true })
        if (!equals(record.holder, owner)) {
          found.held.push(site)
          return
        }
        // Renewed when its owner last signed it (elsewhere); republishing from here goes on from then.
        await peer.storage.sites.putPublishedSite(record.bytes, {
          hosted: false,
          publishedAt: Math.min(record.body.created, Date.now()),
        })
        found.adopted.push(site)
      } catch {
        found.missing.push(site)
      }
    }),
  )
  for (const list of Object.values(found)) (list as string[]).sort()
  return found
}

/** Names whose record this device received earlier and whose holder is `owner`. */
export async function knownSitesOf(
  peer: Pick<OwnSitesParts, 'storage'>,
  owner: Uint8Array,
): Promise<string[]> {
  const records = peer.storage.records
  const sites = await records.listCachedSites()
  const cached = await Promise.all(sites.map((site) => records.getCachedRecord(site)))
  return cached
    .filter((record) => record !== undefined && equals(record.holder, owner))
    .map((record) => record!.site)
}

/** Names of the sites this device publishes with `owner`, most recently published first. */
export async function ownSiteNames(
  peer: Pick<OwnSitesParts, 'storage'>,
  owner: Uint8Array,
): Promise<string[]> {
  const sites = await peer.storage.sites.listPublishedSites()
  return sites
    .filter((site) => equals(site.owner, owner))
    .sort((a, b) => b.publishedAt - a.publishedAt)
    .map((site) => site.site)
}
