/**
 * A visited site's manifest is kept on the device as soon as it is verified, not when the
 * block keeper's writer (on the page, a worker that may still be starting) gets to it: the
 * visit's next request (the page's next file) reads the manifest from the device and does not
 * ask the host again, so the host counts the visitor once. Real libp2p nodes over TCP: a host
 * that reports every manifest it sends, and a visitor whose keeper writes its batches only
 * once the spec lets it (a slow worker).
 */
import type { Libp2p } from '@libp2p/interface'
import { utf8 } from '../../src/core/bytes.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import { equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemoryStore, NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'
import { publishedHost, type PublishedHost } from './published-host.ts'

const SITE = 'kept:manifest'

describe("a visited site's manifest is kept at once", () => {
  const names = new NameTable()
  const writes: string[] = []
  let source: PublishedHost
  let visitor: Libp2p
  let visitorStore: MemoryStore
  let fetcher: SiteFetcher
  let letWrite: () => void = () => {}
  const writerFree = new Promise<void>((resolve) => (letWrite = resolve))

  before(async () => {
    source = await publishedHost(names, {
      site: SITE,
      files: [
        { path: '/index.html', content: utf8('<h1>kept</h1><img src="logo.svg">') },
        { path: '/logo.svg', content: utf8('<svg xmlns="http://www.w3.org/2000/svg"/>') },
      ],
    })
    visitor = await tcpNode()
    visitorStore = new MemoryStore()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      store: visitorStore,
      mirrors: false,
      resolve: (site) => names.resolve(site),
      // The keeper's writer, held as a worker still starting would hold it.
      keepBlocks: async (site, blocks) => {
        await writerFree
        writes.push(...blocks.map((b) => b.cid.toString()))
        await visitorStore.putBlocks(site, blocks, { verified: true })
      },
    })
  })

  after(async () => {
    letWrite()
    await source?.stop()
    await visitor?.stop()
  })

  it('reads the manifest from the device for the next file, and the host counts one visit', async () => {
    const page = await bounded(() => fetcher.fetch(`an://${SITE}/`))
    equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    equal(await page.text(), '<h1>kept</h1><img src="logo.svg">')
    ok(
      await visitorStore.hasBlock(source.published.root),
      'the manifest is on the device once the first answer is out, with the writer still held',
    )
    // Reported as the host answered, before its bytes reached the visitor.
    equal(source.visits.length, 1, 'the first request asked the host for the manifest')

    const logo = await bounded(() => fetcher.fetch(`an://${SITE}/logo.svg`))
    equal(logo.status, 200, logo.headers.get('x-an-error') ?? '')
    equal(await logo.text(), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    equal(source.visits.length, 1, 'the next file did not ask the host for the manifest again')

    letWrite()
    await fetcher.flush()
    ok(
      !writes.includes(source.published.root.toString()),
      'the manifest was not written a second time',
    )
    ok(await visitorStore.hasBlock(source.published.root))
  })
})
