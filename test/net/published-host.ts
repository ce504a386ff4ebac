/**
 * A host a visitor's specs fetch from: a libp2p node over TCP whose site host serves one site
 * it published to a `NameTable`, and the visits it reports.
 * @module
 */
import type { Libp2p } from '@libp2p/interface'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type PublishSiteInit,
  type PublishedSiteResult,
  type SiteHost,
} from '../../src/net/hosting/index.ts'
import type { SiteVisit } from '../../src/net/hosting/site-host.ts'
import { MemorySites, MemoryStore, type NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'

/** A started host and the site it published. */
export interface PublishedHost {
  node: Libp2p
  store: MemoryStore
  host: SiteHost
  published: PublishedSiteResult
  /** Every visit the host reported, in order. */
  visits: SiteVisit[]
  /** Stops the site host, then the node. */
  stop(): Promise<void>
}

/** Starts a host on a new node and publishes `site` from it to `names` under a new owner key. */
export async function publishedHost(
  names: NameTable,
  site: PublishSiteInit,
): Promise<PublishedHost> {
  const node = await tcpNode()
  const store = new MemoryStore()
  const visits: SiteVisit[] = []
  const host = createSiteHost({ store, onVisit: (visit) => visits.push(visit) })
  const stop = async (): Promise<void> => {
    await host.stop()
    await node.stop()
  }
  try {
    await host.start(node)
    const published = await publishSite(
      {
        store,
        host,
        publish: names.publisher(generateKeyPair()),
        hostEntry: () => hostEntry(node),
        sites: new MemorySites(),
      },
      site,
    )
    return { node, store, host, published, visits, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
