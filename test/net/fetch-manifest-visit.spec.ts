/**
 * A site's manifest is asked of its first source while the block keeper still looks at what it
 * kept of the site's earlier root (reads of the device's store), not after; the manifest is kept
 * only once that look is done. Real libp2p nodes over TCP; the visitor's store answers the
 * keeper's look only once the spec lets it (a slow IndexedDB).
 */
import type { Libp2p } from '@libp2p/interface'
import { utf8 } from '../../src/core/bytes.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import type { HostedSite } from '../../src/storage/index.ts'
import { equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemoryStore, NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'
import { publishedHost, type PublishedHost } from './published-host.ts'

const SITE = 'manifest:visit'

/** A store whose answer to "is this site hosted here" (the keeper's look) waits until `open()`. */
class HeldStore extends MemoryStore {
  private opened!: () => void
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve))
  open(): void {
    this.opened()
  }
  override async getHostedSite(site: string): Promise<HostedSite | undefined> {
    await this.gate
    return super.getHostedSite(site)
  }
}

describe("a site's manifest is asked while the keeper looks at the site's earlier root", () => {
  const names = new NameTable()
  let source: PublishedHost
  let visitor: Libp2p
  let store: HeldStore
  let fetcher: SiteFetcher

  before(async () => {
    source = await publishedHost(names, {
      site: SITE,
      files: [{ path: '/index.html', content: utf8('<h1>manifest</h1>') }],
    })
    visitor = await tcpNode()
    store = new HeldStore()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      store,
      mirrors: false,
      resolve: async (site) => ({ ...(await names.resolve(site)), fromCache: false }),
    })
  })

  after(async () => {
    store.open()
    await source?.stop()
    await visitor?.stop()
  })

  it('is sent the manifest with the keeper still looking, then serves the page and keeps it', async () => {
    const page = fetcher.fetch(`an://${SITE}/`)
    await eventually('the host sent the manifest while the keeper was held', () =>
      source.visits.some((v) => v.site === SITE),
    )
    store.open()
    const response = await bounded(() => page)
    equal(response.status, 200, response.headers.get('x-an-error') ?? '')
    equal(await response.text(), '<h1>manifest</h1>')
    await fetcher.flush()
    ok(await store.hasBlock(source.published.root), 'the manifest is kept')
  })
})
