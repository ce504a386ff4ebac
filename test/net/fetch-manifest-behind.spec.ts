/**
 * A visited site's manifest is written to the device behind the answer, not before it: the
 * first answer goes out while the store is still writing the manifest, and until the write
 * lands the manifest in memory counts as kept, so the next file does not ask the host for it
 * again. Real libp2p nodes over TCP; the visitor's store holds its manifest writes until the
 * spec lets them through (a busy IndexedDB).
 */
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { RAW_CODEC } from '../../src/core/content/index.ts'
import { equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { HeldStore, startHeldVisit, type HeldVisit } from './held-visit.ts'
import { NameTable } from './hosting-support.ts'

const SITE = 'behind:manifest'

/** A store whose writes of anything but raw blocks (manifests) wait until `open()`. */
class HeldManifestStore extends HeldStore {
  override async putBlocks(
    site: string,
    blocks: Iterable<{ cid: CID; bytes: Uint8Array }>,
    options: { verified?: boolean } = {},
  ): Promise<void> {
    const list = [...blocks]
    if (list.some(({ cid }) => cid.code !== RAW_CODEC)) await this.gate
    return super.putBlocks(site, list, options)
  }
}

describe("a visited site's manifest is written behind the answer", () => {
  const names = new NameTable()
  const visitorStore = new HeldManifestStore()
  let visit: HeldVisit

  before(async () => {
    const files = [
      { path: '/index.html', content: utf8('<h1>behind</h1><img src="logo.svg">') },
      { path: '/logo.svg', content: utf8('<svg xmlns="http://www.w3.org/2000/svg"/>') },
    ]
    visit = await startHeldVisit(names, { site: SITE, files }, visitorStore, { fromNetwork: false })
  })

  after(async () => {
    await visit?.stop()
  })

  it('answers while the manifest is being written, and the next file does not ask the host for it', async () => {
    const { source, fetcher } = visit
    const page = await bounded(() => fetcher.fetch(`an://${SITE}/`), 10_000)
    equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    equal(await page.text(), '<h1>behind</h1><img src="logo.svg">')
    ok(!(await visitorStore.hasBlock(source.published.root)), 'the manifest’s write is still held')

    const logo = await bounded(() => fetcher.fetch(`an://${SITE}/logo.svg`), 10_000)
    equal(logo.status, 200, logo.headers.get('x-an-error') ?? '')
    equal(await logo.text(), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    equal(source.visits.length, 1, 'the next file did not ask the host for the manifest again')

    visitorStore.open()
    await fetcher.flush()
    ok(
      await visitorStore.hasBlock(source.published.root),
      'the manifest is on the device once written',
    )
  })
})
