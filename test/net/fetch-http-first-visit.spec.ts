/**
 * A first visit beside a mirror that serves blocks over HTTP: the manifest comes over HTTP as
 * the page's blocks do (no libp2p stream on the page's thread for either), verified against the
 * record's content root all the same. A real relay mirrors a real publisher's site; the
 * publisher is gone, so the mirror is the only source.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { dhtKey, validateRecord } from '../../src/core/records/index.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import { waitForMirrors } from '../../src/net/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { bounded, bytesOf, MemoryStore } from './hosting-support.ts'
import { dhtGet } from '../relay/support/client.ts'
import { uniqueName } from '../relay/support/records.ts'
import {
  metricValue,
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
  type Visitor,
} from '../relay/support/site-publisher.ts'

const PAGE = utf8('<h1>a first visit</h1>')

/**
 * A store as IndexedDB is on a busy device: its writes wait until `open()`, and a read asked
 * while a write waits comes after it (IndexedDB runs a read of a store after a write to it
 * begun earlier).
 */
class BusyStore extends MemoryStore {
  open: () => void = () => {}
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve))
  private writing = 0

  private async inTurn(): Promise<void> {
    if (this.writing > 0) await this.opened
  }

  override async putBlocks(
    site: string,
    blocks: Iterable<{ cid: CID; bytes: Uint8Array }>,
    options: { verified?: boolean } = {},
  ): Promise<void> {
    this.writing++
    try {
      await this.opened
      return await super.putBlocks(site, blocks, options)
    } finally {
      this.writing--
    }
  }

  override async hasBlock(cid: CID): Promise<boolean> {
    await this.inTurn()
    return super.hasBlock(cid)
  }

  override async getBlock(cid: CID): Promise<Uint8Array | undefined> {
    await this.inTurn()
    return super.getBlock(cid)
  }

  override async hasBlocks(cids: readonly CID[]): Promise<boolean> {
    await this.inTurn()
    return super.hasBlocks(cids)
  }
}

/** Blocks `relay` served over HTTP, by its metrics. */
async function servedOverHttp(relay: RelayProcess): Promise<number> {
  const text = await (await fetch(`${relay.http}/metrics`)).text()
  return metricValue(text, 'alternet_relay_mirror_http_blocks_total{result="served"}')
}

describe('a first visit reads the manifest over HTTP from a mirror', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher | undefined
  let visitor: Visitor
  const site = uniqueName('firstvisit')
  let root: CID
  const dropped: PeerId[] = []

  /** A fetcher with nothing in memory, as a visitor's first visit has. */
  const freshFetcher = (store?: MemoryStore): SiteFetcher =>
    createSiteFetcher({
      libp2p: visitor.node,
      ...(store === undefined ? {} : { store }),
      resolve: async (name) => {
        const bytes = await dhtGet(visitor.node, await dhtKey(name))
        if (bytes === undefined)
          throw Object.assign(new Error('none'), { name: 'NameNotFoundError' })
        return { record: await validateRecord(bytes) }
      },
      onHostDropped: ({ peer }) => dropped.push(peer),
    })

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r1`, ['--mirror-scan-interval', '2s'])
    publisher = await startPublisher([relay.tcp])
    root = (await publisher.publish(site, { '/index.html': PAGE })).root
    await waitForMirrors(publisher.node, site, root, { timeout: 120_000 })
    visitor = await startVisitor([relay.tcp])
    await waitMirrored(visitor, relay, site, root)
    await publisher.stop()
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('takes the manifest and the page over HTTP', async () => {
    const before = await servedOverHttp(relay)
    const res = await freshFetcher().fetch(`an://${site}/`)
    assert.equal(res.status, 200, `${res.headers.get('x-an-error')}`)
    assert.deepEqual(await bytesOf(res.body), PAGE)
    // The manifest and the page's one chunk; over libp2p both, before.
    assert.equal((await servedOverHttp(relay)) - before, 2)
    assert.equal(dropped.length, 0)
  })

  it('answers the first visit without waiting for the store, which is still writing its manifest', async () => {
    const store = new BusyStore()
    const fetcher = freshFetcher(store)
    try {
      const res = await bounded(() => fetcher.fetch(`an://${site}/`), 20_000)
      assert.equal(res.status, 200, `${res.headers.get('x-an-error')}`)
      assert.deepEqual(await bytesOf(res.body), PAGE)
      assert.ok(!store.blocks.has(root.toString()), 'the manifest’s write is still held')
    } finally {
      store.open()
    }
    await fetcher.flush()
    assert.ok(await store.hasBlock(root), 'the manifest is on the device once written')
  })

  it('refuses a manifest over HTTP that does not match the record, and drops its mirror', async () => {
    const cid = root.toString()
    const path = join(relay.dataDir, 'mirror', 'blocks', cid.slice(-2), cid)
    const bytes = await readFile(path)
    bytes[bytes.length - 1] ^= 0x01
    await writeFile(path, bytes)
    const res = await freshFetcher().fetch(`an://${site}/`)
    assert.notEqual(res.status, 200)
    assert.ok(res.headers.get('x-an-error') !== null, 'the answer names its error')
    await res.body?.cancel()
    assert.ok(
      dropped.some((p) => p.toString() === relay.peerId),
      'the mirror that served a wrong manifest was dropped',
    )
  })
})
