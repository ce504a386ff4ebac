/**
 * A small file comes from the first source that answers: with a mirror holding the site and
 * the record's host still being dialled, a page (one chunk) is answered from the mirror at
 * once, without waiting for the host to join; so is a larger file when the mirror serves its
 * blocks over HTTP. Real relay process (the mirror); the publisher's
 * address, once it is gone, is held by a TCP listener that accepts and never answers, the
 * visitor's dials never time out, and the fetcher's grace for late hosts is endless: a read
 * that waited for the host would never end.
 */
import { createServer, type Server, type Socket } from 'node:net'
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { dhtKey, validateRecord } from '../../src/core/records/index.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { waitForMirrors } from '../../src/net/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { bounded, bytesOf, pattern } from '../net/hosting-support.ts'
import { createClient, dhtGet, type Client } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  type SitePublisher,
  type Visitor,
  waitMirrored,
} from './support/site-publisher.ts'

/** Longest timer Node accepts, in ms: "never" for the grace and the direct dial. */
const ENDLESS_MS = 2 ** 31 - 1
const PAGE = '<h1>from the first source</h1>'
/** Three chunks: a file whose fetch spreads over every source found. */
const BIG = pattern(600 * 1024, 5)

describe('a small file comes from the first source to answer', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher | undefined
  let visitor: Client | undefined
  let silent: Server | undefined
  const held: Socket[] = []
  const site = uniqueName('first')
  let root: CID

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r1`, ['--mirror-scan-interval', '2s'])
    publisher = await startPublisher([relay.tcp])
    root = (await publisher.publish(site, { '/index.html': utf8(PAGE), '/big.bin': BIG })).root
    await waitForMirrors(publisher.node, site, root, { timeout: 120_000 })
    const watcher: Visitor = await startVisitor([relay.tcp])
    try {
      await waitMirrored(watcher, relay, site, root)
    } finally {
      await watcher.stop()
    }
    // The host goes, and its TCP port now accepts connections that never answer.
    const port = publisher.node
      .getMultiaddrs()
      .map((a) => /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)/.exec(a.toString())?.[1])
      .find((p) => p !== undefined)
    assert.ok(port !== undefined, 'the publisher listened on loopback TCP')
    await publisher.stop()
    silent = createServer((socket) => {
      held.push(socket)
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => silent!.listen(Number(port), '127.0.0.1', resolve))
    // A visitor whose dials never give up: the host's stays pending for the whole test.
    visitor = await createClient({ relays: [relay.tcp], dialTimeout: ENDLESS_MS })
  })

  after(async () => {
    for (const socket of held) socket.destroy()
    silent?.close()
    await visitor?.stop()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('answers the page from the mirror while the host is still being dialled', async () => {
    const node = visitor!
    const fetcher = createSiteFetcher({
      libp2p: node,
      resolve: async (name) => {
        const bytes = await dhtGet(node, await dhtKey(name))
        if (bytes === undefined)
          throw Object.assign(new Error('none'), { name: 'NameNotFoundError' })
        return { record: await validateRecord(bytes) }
      },
      connect: { directTimeout: ENDLESS_MS, graceTime: ENDLESS_MS },
    })
    // A read that waited for the host to join would never end: bounded, it fails the spec.
    const res = await bounded(() => fetcher.fetch(`an://${site}/`))
    assert.equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    assert.equal(await res.text(), PAGE)
    await eventually('the dial to the host to have reached it', () => held.length > 0, 10_000)
  })

  it('reads a larger file from a mirror over HTTP while the host is still being dialled', async () => {
    const node = visitor!
    const fetcher = createSiteFetcher({
      libp2p: node,
      resolve: async (name) => {
        const bytes = await dhtGet(node, await dhtKey(name))
        if (bytes === undefined)
          throw Object.assign(new Error('none'), { name: 'NameNotFoundError' })
        return { record: await validateRecord(bytes) }
      },
      connect: { directTimeout: ENDLESS_MS, graceTime: ENDLESS_MS },
    })
    // A read that gave the host its grace to join would never end: bounded, it fails the spec.
    const res = await bounded(() => fetcher.fetch(`an://${site}/big.bin`))
    assert.equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    assert.deepEqual(await bytesOf(res.body), BIG)
  })
})
