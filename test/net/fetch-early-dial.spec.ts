/**
 * A site whose name was just looked up on the network is new to the device: its hosts are
 * dialled while the device's store is still being read, not after. Real libp2p nodes over TCP;
 * the visitor's store answers only once the spec lets it (a slow IndexedDB).
 */
import type { CID } from 'multiformats/cid'
import type { Libp2p } from '@libp2p/interface'
import { utf8 } from '../../src/core/bytes.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import { equal } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemoryStore, NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'
import { publishedHost, type PublishedHost } from './published-host.ts'

const SITE = 'early:dial'

/** A store whose reads wait until `open()`. */
class HeldStore extends MemoryStore {
  private opened!: () => void
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve))
  open(): void {
    this.opened()
  }
  override async getBlock(cid: CID): Promise<Uint8Array | undefined> {
    await this.gate
    return super.getBlock(cid)
  }
  override async hasBlock(cid: CID): Promise<boolean> {
    await this.gate
    return super.hasBlock(cid)
  }
}

describe('a site new to the device: its hosts are dialled while the store is read', () => {
  const names = new NameTable()
  let source: PublishedHost
  let visitor: Libp2p
  let store: HeldStore
  let fetcher: SiteFetcher

  before(async () => {
    source = await publishedHost(names, {
      site: SITE,
      files: [{ path: '/index.html', content: utf8('<h1>early</h1>') }],
    })
    visitor = await tcpNode()
    store = new HeldStore()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      store,
      mirrors: false,
      // A look-up made now on the network, as the naming service says of one.
      resolve: async (site) => ({ ...(await names.resolve(site)), fromCache: false }),
    })
  })

  after(async () => {
    store.open()
    await source?.stop()
    await visitor?.stop()
  })

  it('connects to the host before the store answers, then serves the page', async () => {
    const page = fetcher.fetch(`an://${SITE}/`)
    await eventually('the visitor connected to the host with its store still held', () =>
      visitor.getConnections(source.node.peerId).some((c) => c.status === 'open'),
    )
    store.open()
    const response = await bounded(() => page)
    equal(response.status, 200, response.headers.get('x-an-error') ?? '')
    equal(await response.text(), '<h1>early</h1>')
  })
})
