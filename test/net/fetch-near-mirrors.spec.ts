/**
 * A visit asks its connected relays what they hold of the site once, while the name resolves,
 * and its next requests take those answers instead of asking again; the page's first chunk is
 * asked for beside the manifest. Real relay process (the mirror) and publisher; the visitor's
 * own `dialProtocol` counts the mirror questions it sends, and its connection to the relay
 * sees the route streams it opens.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { dhtKey, validateRecord } from '../../src/core/records/index.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { MIRROR_PROTOCOL, waitForMirrors } from '../../src/net/mirror/index.ts'
import { ROUTE_PROTOCOL } from '../../src/net/route/index.ts'
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

/** Longest the first route stream is held waiting for a second one, in ms. */
const HOLD_MS = 5_000

/**
 * Holds the first route stream `connection` opens until a second one is asked for (at most
 * `HOLD_MS`), and says whether one was: a request sent only after the first one's answer is not.
 */
function holdFirstRouteStream(connection: Connection): () => { opened: number; beside: boolean } {
  let opened = 0
  let beside = false
  let second: () => void = () => {}
  const secondAsked = new Promise<void>((resolve) => (second = resolve))
  const newStream = connection.newStream.bind(connection)
  connection.newStream = (async (protocols, options) => {
    if (![protocols].flat().includes(ROUTE_PROTOCOL)) return newStream(protocols, options)
    opened++
    if (opened === 1) {
      let timer: ReturnType<typeof setTimeout> | undefined
      let held = true
      await Promise.race([
        secondAsked.then(() => (beside = held)),
        new Promise((resolve) => (timer = setTimeout(resolve, HOLD_MS))),
      ])
      held = false
      clearTimeout(timer)
    } else second()
    return newStream(protocols, options)
  }) as Connection['newStream']
  return () => ({ opened, beside })
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

  /** A fetcher over the visitor, resolving in the DHT; `whileResolving` runs before the answer. */
  function fetcherOf(node: Client, whileResolving?: () => Promise<unknown>) {
    return createSiteFetcher({
      libp2p: node,
      resolve: async (name) => {
        await whileResolving?.()
        const bytes = await dhtGet(node, await dhtKey(name))
        if (bytes === undefined)
          throw Object.assign(new Error('none'), { name: 'NameNotFoundError' })
        return { record: await validateRecord(bytes) }
      },
    })
  }

  it('asks them while the name resolves', async () => {
    const node = visitor!
    const asked = countMirrorQuestions(node)
    const fetcher = fetcherOf(node, () =>
      eventually('the relays asked before the name resolved', () => asked() >= 1, 5_000),
    )
    const page = await fetcher.fetch(`an://${site}/`)
    assert.equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    assert.equal(await page.text(), PAGE)
    assert.equal(asked(), 1)
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

  it("opens the manifest's and the first chunk's streams while the name resolves, and uses them", async () => {
    const node = visitor!
    const connection = node
      .getConnections(peerIdFromString(relay.peerId))
      .find((c) => c.status === 'open' && c.limits == null)
    assert.ok(connection !== undefined, 'the visitor is connected to the relay')
    let opened = 0
    const newStream = connection.newStream.bind(connection)
    connection.newStream = ((protocols, options) => {
      if ([protocols].flat().includes(ROUTE_PROTOCOL)) opened++
      return newStream(protocols, options)
    }) as Connection['newStream']
    try {
      const fetcher = fetcherOf(node, () =>
        eventually('two route streams opened before the name resolved', () => opened >= 2, 5_000),
      )
      const page = await fetcher.fetch(`an://${site}/`)
      assert.equal(page.status, 200, page.headers.get('x-an-error') ?? '')
      assert.equal(await page.text(), PAGE)
      assert.equal(opened, 2, 'the streams opened ahead carried the manifest and the first chunk')
    } finally {
      connection.newStream = newStream
    }
  })

  it("asks for the page's first chunk beside its manifest", async () => {
    // The mirror is then the only source: its connection carries every route stream.
    await publisher?.stop()
    publisher = undefined
    const node = visitor!
    const connection = node
      .getConnections(peerIdFromString(relay.peerId))
      .find((c) => c.status === 'open' && c.limits == null)
    assert.ok(connection !== undefined, 'the visitor is connected to the relay')
    const streams = holdFirstRouteStream(connection)
    const page = await fetcherOf(node).fetch(`an://${site}/`)
    assert.equal(page.status, 200, page.headers.get('x-an-error') ?? '')
    assert.equal(await page.text(), PAGE)
    assert.ok(streams().beside, "the page's first chunk was asked for before the manifest came")
    assert.equal(streams().opened, 2, 'the manifest and the first chunk, nothing more')
  })
})
