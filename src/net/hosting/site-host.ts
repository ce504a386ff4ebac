/**
 * Hosting: a `/an/route/1.0.0` server over the content store. It serves the sites the store
 * holds as hosted (the list is kept in memory and refreshed whenever hosting changes) and their
 * blocks, to peers that mirror or fetch. Blocks kept from visits are not served unless
 * `serveVisitedBlocks` is set: they would tell any peer which sites this person looked at.
 * @module
 */
import type { HostedSite as StoredSite } from '../../storage/blocks.ts'
import {
  createRouteServer,
  type RouteServer,
  type RouteServerHost,
  type RouteServerInit,
} from '../route/index.ts'
import type { PeerId } from '@libp2p/interface'
import { parseSiteName } from '../../core/names/index.ts'
import type { ContentStore } from './content-store.ts'
import { DEFAULT_HOST_ON_LIMITED_CONNECTIONS } from './constants.ts'
import type { HelpHost } from './help-host.ts'

/** Options of `createSiteHost`: the store, and the route server's limits. */
export interface SiteHostInit extends Omit<
  RouteServerInit,
  'getBlock' | 'getManifest' | 'sites' | 'hostedBlock'
> {
  store: ContentStore
  /** Visited sites served too, while the person helps host them (`createHelpHost`). */
  helper?: Pick<HelpHost, 'sites' | 'hasBlock'>
  /**
   * Called when a peer was sent the manifest of a site served here: the start of a visit (a
   * visitor reads the manifest once, then only the blocks its pages need).
   */
  onVisit?(visit: SiteVisit): void
}

/** A peer began reading a site from this node. */
export interface SiteVisit {
  /** Canonical site name. */
  site: string
  /** The peer that asked. */
  peer: PeerId
}

/** The hosting half of a peer. */
export interface SiteHost {
  /** The route server (its `active` count, for status). */
  readonly server: RouteServer
  /** Registers the route protocol and loads the hosted sites. */
  start(libp2p: RouteServerHost): Promise<void>
  stop(): Promise<void>
  /** Reads the hosted sites from the store again (after `putSite`). */
  refresh(): void
  /** Stops serving `site` and deletes its blocks no other site uses. */
  stopHosting(site: string): Promise<void>
  /** The sites served now, as the store keeps them (blocks, bytes, when stored). */
  sites(): Promise<StoredSite[]>
}

/**
 * Creates the host over `store`. By default it also answers over limited (relayed)
 * connections (`DEFAULT_HOST_ON_LIMITED_CONNECTIONS`): visitors only use those when no
 * direct path exists, and then slowly is better than not at all.
 * @example
 * ```ts
 * const host = createSiteHost({ store: storage.blocks })
 * await host.start(libp2p)
 * ```
 */
export function createSiteHost(init: SiteHostInit): SiteHost {
  const { store, helper, onVisit, ...limits } = init
  let cache: Promise<Map<string, StoredSite>> | undefined
  const load = (): Promise<Map<string, StoredSite>> => {
    cache ??= store.listHostedSites().then((rows) => new Map(rows.map((row) => [row.site, row])))
    // A failed read is retried on the next request rather than kept.
    cache.catch(() => {
      cache = undefined
    })
    return cache
  }
  /** CIDs of every block of the hosted sites, from the store's per-site block lists. */
  let hostedBlocks: Promise<Set<string>> | undefined
  const loadBlocks = (): Promise<Set<string>> => {
    hostedBlocks ??= load().then(async (sites) => {
      const cids = new Set<string>()
      for (const { site, root } of sites.values()) {
        cids.add(root.toString())
        for (const cid of await store.siteBlocks(site)) cids.add(cid.toString())
      }
      return cids
    })
    hostedBlocks.catch(() => {
      hostedBlocks = undefined
    })
    return hostedBlocks
  }
  const forget = (): void => {
    cache = undefined
    hostedBlocks = undefined
  }
  const server = createRouteServer({
    ...limits,
    runOnLimitedConnection: limits.runOnLimitedConnection ?? DEFAULT_HOST_ON_LIMITED_CONNECTIONS,
    getBlock: (cid) => store.getBlock(cid),
    getBlocks: (cids) => store.getBlocks(cids),
    sites: async () => [...(await load()).values(), ...(helper?.sites() ?? [])],
    hostedBlock: async (cid) =>
      (await loadBlocks()).has(cid.toString()) || helper?.hasBlock(cid) === true,
    onBlockServed:
      onVisit === undefined
        ? undefined
        : (cid, peer) => {
            void load().then((sites) => {
              for (const { site, root } of [...sites.values(), ...(helper?.sites() ?? [])])
                if (root.equals(cid)) onVisit({ site, peer })
            })
          },
  })
  return {
    server,
    async start(libp2p) {
      await load()
      await server.start(libp2p)
    },
    stop: () => server.stop(),
    refresh: forget,
    async stopHosting(site) {
      const key = parseSiteName(site).site
      await store.deleteSite(key)
      forget()
      await load()
    },
    async sites() {
      return [...(await load()).values()]
    },
  }
}
