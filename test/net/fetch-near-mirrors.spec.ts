/**
 * A visit asks its connected relays what they hold of the site once, and its next requests take
 * those answers instead of asking again. Real relay process (the mirror) and publisher; the
 * visitor's own `dialProtocol` counts the mirror questions it sends.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { dhtKey, validateRecord } from '../../src/core/records/index.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { MIRROR_PROTOCOL, waitForMirrors } from '../../src/net/mirror/index.ts'
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { createClient, dhtGet, type Client } from '../relay/support/client.ts'
import { uniqueName } from '../relay/support/records.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
} from '../relay/support/site-publisher.ts'

const PAGE = '<h1>near mirrors</h1>'
const STYLE = 'h1 { color: teal }'
const SCRIPT = 'document.title = "near"'

/** Counts the mirror questions `node` sends. */
function countMirrorQuestions(node: Libp2p): () => number {
  let asked = 0
  const dialProtocol = node.dialProtocol.bind(node)
  node.dialProtocol = ((peer, protocols, options) => {
    if ([protocols].flat().includes(MIRROR_PROTOCOL)) asked++
    return dialProtocol(peer, protocols, options)
  }) as Libp2p['dialProtocol']
  return () => asked
}

describe('a visit asks the connected relays once', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher | undefined
  let visitor: Client | undefined
  const site = uniqueName('near')
  let root: CID

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r1`, ['--mirror-scan-interval', '2s'])
    publisher = await startPublisher([relay.tcp])
    root = (
      await publisher.publish(site, {
        '/index.html': utf8(PAGE),
        '/style.css': utf8(STYLE),
        '/app.js': utf8(SCRIPT),
      })
    ).root
    await waitForMirrors(publisher.node, site, root, { timeout: 120_000 })
    const watcher = await startVisitor([relay.tcp])
    try {
      await waitMirrored(watcher, relay, site, root)
    } finally {
      await watcher.stop()
    }
    visitor = await createClient({ relays: [relay.tcp] })
    // As an app's running node does, it knows the relay mirrors (identify has run).
    const node = visitor
    await eventually('the relay identified as a mirror', async () =>
      (await node.peerStore.get(peerIdFromString(relay.peerId))).protocols.includes(
        MIRROR_PROTOCOL,
      ),
    )
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('asks them once for the page, its style sheet, its script and a HEAD', async () => {
    const node = visitor!
    const asked = countMirrorQuestions(node)
    const fetcher = createSiteFetcher({
      libp2p: node,
      resolve: async (name) => {
        const bytes = await dhtGet(node, await dhtKey(name))
        if (bytes === undefined)
          throw Object.assign(new Error('none'), { name: 'NameNotFoundError' })
        return { record: await validateRecord(bytes) }
      },
    })
    const page = await fetcher.fetch(`an://${site}/`)
    assert.equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    assert.equal(await page.text(), PAGE)
    assert.equal(asked(), 1, 'the relay was asked for the page')
    const [style, script, head] = await Promise.all([
      fetcher.fetch(`an://${site}/style.css`),
      fetcher.fetch(`an://${site}/app.js`),
      fetcher.fetch(`an://${site}/`, { method: 'HEAD' }),
    ])
    assert.equal(await style.text(), STYLE)
    assert.equal(await script.text(), SCRIPT)
    assert.equal(head.status, 200)
    assert.equal(asked(), 1, 'one question for the four requests')
  })
})
