/**
 * A page's files are read while the site's name resolves: once a site was answered, its next
 * request (a style sheet after its page) asks the site's sources for its bytes from the record
 * the site was last answered from, and answers once the name resolves to that same record. When
 * the name resolves to another record, what was read ahead is given up and the new version
 * answers. Real libp2p nodes over TCP: a host whose store reports every block it reads, and a
 * visitor whose name resolution the spec holds.
 */
import type { Libp2p } from '@libp2p/interface'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type SiteHost,
} from '../../src/net/hosting/index.ts'
import { equal } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemorySites, MemoryStore, NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'

const SITE = 'ahead:read'
const PAGE = '<h1>ahead</h1><link rel="stylesheet" href="style.css">'
const STYLE = 'h1 { color: rgb(1, 2, 3); }\n'

describe("a site's next request is read while its name resolves", () => {
  const names = new NameTable()
  const owner = generateKeyPair()
  const sites = new MemorySites()
  const store = new MemoryStore()
  let hostNode: Libp2p
  let host: SiteHost
  let visitor: Libp2p
  let fetcher: SiteFetcher
  /** Blocks the host read from its store, in order. */
  const read: string[] = []
  /** While set, the visitor's name resolution waits for it. */
  let held: Promise<void> | undefined

  /** Publishes the page with `style` as its style sheet; resolves to the new root. */
  const publish = async (style: string): Promise<string> => {
    const published = await publishSite(
      { store, host, publish: names.publisher(owner), hostEntry: () => hostEntry(hostNode), sites },
      {
        site: SITE,
        files: [
          { path: '/index.html', content: utf8(PAGE) },
          { path: '/style.css', content: utf8(style) },
        ],
      },
    )
    return published.root.toString()
  }

  before(async () => {
    hostNode = await tcpNode()
    host = createSiteHost({ store })
    await host.start(hostNode)
    await publish(STYLE)
    const getBlock = store.getBlock.bind(store)
    const getBlocks = store.getBlocks.bind(store)
    store.getBlock = async (cid) => {
      read.push(cid.toString())
      return getBlock(cid)
    }
    store.getBlocks = async (cids) => {
      read.push(...cids.map((cid) => cid.toString()))
      return getBlocks(cids)
    }
    visitor = await tcpNode()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      store: new MemoryStore(),
      mirrors: false,
      resolve: async (site) => {
        await held
        return names.resolve(site)
      },
    })
  })

  after(async () => {
    await host?.stop()
    await hostNode?.stop()
    await visitor?.stop()
  })

  it('asks the sources for the next file before the name resolves, and answers it once it does', async () => {
    const page = await bounded(() => fetcher.fetch(`an://${SITE}/`))
    equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    equal(await page.text(), PAGE)

    let release!: () => void
    held = new Promise((resolve) => (release = resolve))
    const before = read.length
    const style = fetcher.fetch(`an://${SITE}/style.css`)
    await eventually(
      'the host to read the style sheet with the name held',
      () => read.length > before,
    )
    release()
    held = undefined
    const answer = await bounded(() => style)
    equal(answer.status, 200, answer.headers.get('x-an-error') ?? '')
    equal(await answer.text(), STYLE)
  })

  it('gives up what it read ahead when the name resolves to another record', async () => {
    let release!: () => void
    held = new Promise((resolve) => (release = resolve))
    const style = fetcher.fetch(`an://${SITE}/style.css`)
    // A new version while the name is held: the style sheet changed.
    const changed = 'h1 { color: rgb(4, 5, 6); }\n'
    const next = await publish(changed)
    release()
    held = undefined
    const answer = await bounded(() => style)
    equal(answer.status, 200, answer.headers.get('x-an-error') ?? '')
    equal(answer.headers.get('x-an-root'), next, 'the new version answered')
    equal(await answer.text(), changed)
  })
})
