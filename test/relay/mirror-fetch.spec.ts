/**
 * Visitors use mirrors: with the publisher gone, the site fetcher finds the relays that mirror
 * the site (the connected ones, over `/an/mirror/1.0.0`), takes every block from them verified,
 * answers Range requests, and drops a mirror that serves a tampered block while the right bytes
 * come from another mirror. The mirrors name where they serve blocks over HTTP, and the blocks
 * come that way (`GET /ipfs/<cid>`), verified as over libp2p. Real relay processes; the visitor is a Node peer running the same
 * fetcher the browser runs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { dhtKey, validateRecord } from '../../src/core/records/index.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import { waitForMirrors, type MirrorCopies } from '../../src/net/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { bytesOf, pattern } from '../net/hosting-support.ts'
import { dhtGet } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  type SitePublisher,
  type Visitor,
  waitMirrored,
} from './support/site-publisher.ts'

/** Three segments of the fetcher's ranged requests: one mirror gets segment 0, the other segment 1. */
const BIG = pattern(17 * CHUNK_SIZE + 777, 3)
const FILES: Record<string, Uint8Array> = {
  '/index.html': utf8('<h1>from a mirror</h1>'),
  '/big.bin': BIG,
}
const SCAN = ['--mirror-scan-interval', '2s']

/** Blocks `relays` served over HTTP, by their metrics. */
async function servedOverHttp(relays: RelayProcess[]): Promise<number> {
  let n = 0
  for (const r of relays) {
    const text = await (await fetch(`${r.http}/metrics`)).text()
    n += metricValue(text, 'alternet_relay_mirror_http_blocks_total{result="served"}')
  }
  return n
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

describe('visitors fetch from mirrors', () => {
  let dir: string
  let r1: RelayProcess
  let r2: RelayProcess
  let visitor: Visitor
  let publisher: SitePublisher | undefined
  let fetcher: SiteFetcher
  const dropped: PeerId[] = []
  const site = uniqueName('visited')
  let root: CID
  let copies: MirrorCopies
  const rounds: number[] = []

  before(async () => {
    dir = await tempDir()
    r1 = await startRelay(`${dir}/r1`, SCAN)
    r2 = await startRelay(`${dir}/r2`, [...SCAN, '--bootstrap', r1.tcp])
    await waitFor('relays see each other', async () => {
      const health = await Promise.all([r1, r2].map((r) => getJson(r, '/health')))
      return health.every((h) => (h.peers as number) >= 1)
    })
    publisher = await startPublisher([r1.tcp])
    root = (await publisher.publish(site, FILES)).root
    copies = await waitForMirrors(publisher.node, site, root, {
      timeout: 120_000,
      onProgress: (c) => rounds.push(c.complete.length),
    })
    visitor = await startVisitor([r1.tcp, r2.tcp])
    for (const r of [r1, r2]) await waitMirrored(visitor, r, site, root)
    await publisher.stop()
    fetcher = createSiteFetcher({
      libp2p: visitor.node,
      resolve: async (name) => {
        const bytes = await dhtGet(visitor.node, await dhtKey(name))
        if (bytes === undefined)
          throw Object.assign(new Error('none'), { name: 'NameNotFoundError' })
        return { record: await validateRecord(bytes) }
      },
      onHostDropped: ({ peer }) => dropped.push(peer),
    })
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await Promise.all([r1, r2].map((r) => r?.stop()))
    await removeDir(dir)
  })

  it('tells the publisher when its site is on the mirrors', () => {
    assert.deepEqual([...copies.complete].sort(), [r1.peerId, r2.peerId].sort())
    assert.equal(copies.wanted, 2)
    assert.equal(rounds.at(-1), 2)
  })

  it('opens every file from the mirrors once the publisher is gone, Range included', async () => {
    for (const [path, bytes] of Object.entries(FILES)) {
      const res = await fetcher.fetch(`an://${site}${path}`)
      assert.equal(res.status, 200, `${path}: ${res.headers.get('x-an-error')}`)
      assert.ok(same(await bytesOf(res.body), bytes), `${path} is byte-identical`)
    }
    const res = await fetcher.fetch(`an://${site}/big.bin`, {
      headers: { range: `bytes=${CHUNK_SIZE - 5}-${3 * CHUNK_SIZE + 4}` },
    })
    assert.equal(res.status, 206)
    assert.ok(
      same(
        new Uint8Array(await res.arrayBuffer()),
        BIG.subarray(CHUNK_SIZE - 5, 3 * CHUNK_SIZE + 5),
      ),
    )
    assert.equal(dropped.length, 0)
    // The page came beside its manifest over libp2p (first-chunk.ts); every other chunk over
    // HTTP: 18 of the file, 4 of the range.
    assert.equal(await servedOverHttp([r1, r2]), 18 + 4)
  })

  it('drops a mirror that serves a tampered block and gets the right bytes from another', async () => {
    const manifest = await visitor.manifest(root, [await visitor.connect(r1)])
    // A wrong byte in a chunk of each of the first two segments, one even and one odd: whichever
    // segment r1 is asked for over libp2p, or every other block over HTTP, it sends a tampered chunk.
    for (const index of [2, 11]) {
      const cid = manifest.files['/big.bin'].chunks[index].toString()
      const path = join(r1.dataDir, 'mirror', 'blocks', cid.slice(-2), cid)
      const bytes = await readFile(path)
      bytes[7] ^= 0x40
      await writeFile(path, bytes)
    }
    const before = await servedOverHttp([r1, r2])
    const res = await fetcher.fetch(`an://${site}/big.bin`)
    assert.equal(res.status, 200)
    assert.ok(same(await bytesOf(res.body), BIG), 'the visitor got the right bytes')
    assert.ok((await servedOverHttp([r1, r2])) - before >= 18, 'the blocks came over HTTP')
    assert.ok(
      dropped.some((p) => p.toString() === r1.peerId),
      'the mirror that served a tampered block was dropped',
    )
  })
})
