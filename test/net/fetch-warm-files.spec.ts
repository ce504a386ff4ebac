/**
 * A site's first page: the small files it may load (style sheets, scripts, images) are asked for
 * while the page is on its way, and kept, before the page asks for them; other pages are not.
 * Real libp2p nodes over TCP.
 */
import type { Libp2p } from '@libp2p/interface'
import { utf8 } from '../../src/core/bytes.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import { equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemoryStore, NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'
import { publishedHost, type PublishedHost } from './published-host.ts'

const SITE = 'warm:files'
const PAGE = '<!doctype html><link rel="stylesheet" href="style.css"><h1>warm</h1>'
const STYLE = 'h1 { color: rgb(200, 30, 90); }'
const SCRIPT = 'document.title = "warm"'
const OTHER_PAGE = '<!doctype html><h1>another page</h1>'

describe("a site's first page: its small files are asked for while it travels", () => {
  const names = new NameTable()
  let source: PublishedHost
  let visitor: Libp2p
  let store: MemoryStore
  let fetcher: SiteFetcher

  /** Whether the visitor keeps a block with exactly `text`'s bytes. */
  const kept = (text: string): boolean =>
    [...store.blocks.values()].some((bytes) => new TextDecoder().decode(bytes) === text)

  before(async () => {
    source = await publishedHost(names, {
      site: SITE,
      files: [
        { path: '/index.html', content: utf8(PAGE) },
        { path: '/style.css', content: utf8(STYLE) },
        { path: '/app.js', content: utf8(SCRIPT) },
        { path: '/about.html', content: utf8(OTHER_PAGE) },
      ],
    })
    visitor = await tcpNode()
    store = new MemoryStore()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      store,
      mirrors: false,
      resolve: async (site) => ({ ...(await names.resolve(site)), fromCache: false }),
    })
  })

  after(async () => {
    await source?.stop()
    await visitor?.stop()
  })

  it('keeps the style sheet and script once the page is asked for, not the other page', async () => {
    const page = await bounded(() => fetcher.fetch(`an://${SITE}/`))
    equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    equal(await page.text(), PAGE)
    // No request for them was made: they came beside the page.
    await eventually('the style sheet and script kept', () => kept(STYLE) && kept(SCRIPT))
    ok(!kept(OTHER_PAGE), 'another page of the site was fetched ahead')
    // With the host gone, the page's files still answer, verified, from what came ahead.
    await source.stop()
    const style = await bounded(() => fetcher.fetch(`an://${SITE}/style.css`))
    equal(style.status, 200, style.headers.get('x-an-error') ?? '')
    equal(await style.text(), STYLE)
  })
})
