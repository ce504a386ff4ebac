/**
 * For specs of a visitor whose device store is slow (a busy IndexedDB): a store whose held calls
 * wait until the spec opens it, and a visitor of one published host fetching with that store.
 * Real libp2p nodes over TCP.
 */
import type { Libp2p } from '@libp2p/interface'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import type { PublishSiteInit } from '../../src/net/hosting/index.ts'
import { MemoryStore, type NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'
import { publishedHost, type PublishedHost } from './published-host.ts'

/** A memory store with a gate: the calls a spec's subclass holds await `gate` until `open()`. */
export class HeldStore extends MemoryStore {
  private opened!: () => void
  /** Resolves once `open()` is called. */
  protected readonly gate = new Promise<void>((resolve) => (this.opened = resolve))
  open(): void {
    this.opened()
  }
}

/** A host that published a site, and a visitor fetching it with a held store. */
export interface HeldVisit {
  source: PublishedHost
  visitor: Libp2p
  fetcher: SiteFetcher
  /** Opens the store, then stops both nodes. */
  stop(): Promise<void>
}

/**
 * Publishes `site` on a new host and starts a visitor fetching with `store` (no mirrors). With
 * `fromNetwork`, each name is given as a look-up made now on the network, as the naming service
 * says of one; otherwise as the name table answers.
 */
export async function startHeldVisit(
  names: NameTable,
  site: PublishSiteInit,
  store: HeldStore,
  { fromNetwork }: { fromNetwork: boolean },
): Promise<HeldVisit> {
  const source = await publishedHost(names, site)
  const visitor = await tcpNode()
  const fetcher = createSiteFetcher({
    libp2p: visitor,
    store,
    mirrors: false,
    resolve: fromNetwork
      ? async (name) => ({ ...(await names.resolve(name)), fromCache: false })
      : (name) => names.resolve(name),
  })
  return {
    source,
    visitor,
    fetcher,
    stop: async () => {
      store.open()
      await source.stop()
      await visitor.stop()
    },
  }
}
