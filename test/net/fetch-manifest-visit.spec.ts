/**
 * A site's manifest is asked of its first source while the block keeper still looks at what it
 * kept of the site's earlier root (reads of the device's store), not after; the manifest is kept
 * only once that look is done. Real libp2p nodes over TCP; the visitor's store answers the
 * keeper's look only once the spec lets it (a slow IndexedDB).
 */
import { utf8 } from '../../src/core/bytes.ts'
import type { HostedSite } from '../../src/storage/index.ts'
import { equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { HeldStore, startHeldVisit, type HeldVisit } from './held-visit.ts'
import { NameTable } from './hosting-support.ts'

const SITE = 'manifest:visit'

/** A store whose answer to "is this site hosted here" (the keeper's look) waits until `open()`. */
class HeldKeeperStore extends HeldStore {
  override async getHostedSite(site: string): Promise<HostedSite | undefined> {
    await this.gate
    return super.getHostedSite(site)
  }
}

describe("a site's manifest is asked while the keeper looks at the site's earlier root", () => {
  const names = new NameTable()
  const store = new HeldKeeperStore()
  let visit: HeldVisit

  before(async () => {
    const files = [{ path: '/index.html', content: utf8('<h1>manifest</h1>') }]
    visit = await startHeldVisit(names, { site: SITE, files }, store, { fromNetwork: true })
  })

  after(async () => {
    await visit?.stop()
  })

  it('is sent the manifest with the keeper still looking, then serves the page and keeps it', async () => {
    const { source, fetcher } = visit
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
