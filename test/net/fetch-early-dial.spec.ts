/**
 * A site whose name was just looked up on the network is new to the device: its hosts are
 * dialled while the device's store is still being read, not after. Real libp2p nodes over TCP;
 * the visitor's store answers only once the spec lets it (a slow IndexedDB).
 */
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { equal } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { HeldStore, startHeldVisit, type HeldVisit } from './held-visit.ts'
import { NameTable } from './hosting-support.ts'

const SITE = 'early:dial'

/** A store whose reads wait until `open()`. */
class HeldReadStore extends HeldStore {
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
  const store = new HeldReadStore()
  let visit: HeldVisit

  before(async () => {
    const files = [{ path: '/index.html', content: utf8('<h1>early</h1>') }]
    visit = await startHeldVisit(names, { site: SITE, files }, store, { fromNetwork: true })
  })

  after(async () => {
    await visit?.stop()
  })

  it('connects to the host before the store answers, then serves the page', async () => {
    const { source, visitor, fetcher } = visit
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
