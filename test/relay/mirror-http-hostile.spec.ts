/**
 * Mirrored blocks over HTTP against many fresh sources, on a real relay process: every client
 * connects from its own loopback address (Linux routes all of 127.0.0.0/8 to the loopback), so
 * the relay sees many addresses. Fresh addresses of one /24 share that block's allowance, and
 * neither they nor a CAR flood from many /24s at once keep a visitor of another block from its
 * blocks; a CID listed many times in one CAR is sent and charged once.
 */
import { request } from 'node:http'
import { join } from 'node:path'
import { utf8 } from '../../src/core/bytes.ts'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { readCar } from '../../src/net/fetch/car-reader.ts'
import { pattern } from '../net/hosting-support.ts'
import { uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
} from './support/site-publisher.ts'

/** Blocks a second per source: a burst of 4 s of it, 8 blocks, at once. */
const RATE = 2
const BURST = 4 * RATE
/** Fresh addresses of one /24 asking at once. */
const FRESH = 40
/** /24s asking for a CAR at once. */
const BLOCKS_OF_24 = 24

interface Answer {
  status: number
  body: Buffer
}

/** GET `path` of `relay` from the local address `from`, as its own client (no shared socket). */
function getFrom(relay: RelayProcess, from: string, path: string): Promise<Answer> {
  const url = new URL(path, relay.http)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        localAddress: from,
        agent: false,
        headers: { accept: 'application/vnd.ipld.raw' },
        signal: AbortSignal.timeout(30_000),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('mirrored blocks over HTTP against many fresh sources', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher
  let root: string
  let chunks: string[]
  const big = pattern(12 * CHUNK_SIZE, 5)

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(join(dir, 'r'), [
      '--mirror-scan-interval',
      '2s',
      '--mirror-http-rate',
      String(RATE),
    ])
    publisher = await startPublisher([relay.tcp])
    const site = uniqueName('httphostile')
    const published = await publisher.publish(site, {
      '/index.html': utf8('<h1>many sources</h1>'),
      '/big.bin': big,
    })
    const watcher = await startVisitor([relay.tcp])
    try {
      await waitMirrored(watcher, relay, site, published.root)
    } finally {
      await watcher.stop()
    }
    root = published.root.toString()
    chunks = published.manifest.files['/big.bin'].chunks.map(String)
  })

  after(async () => {
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('makes fresh addresses of one /24 share its allowance, and serves another /24 meanwhile', async () => {
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: FRESH }, (_, i) => getFrom(relay, `127.0.7.${i + 1}`, `/ipfs/${root}`)),
    )
    const honest = await getFrom(relay, '127.0.8.1', `/ipfs/${root}`)
    const seconds = (performance.now() - started) / 1000
    const served = answers.filter((a) => a.status === 200).length
    const refused = answers.filter((a) => a.status === 429)
    // The block's burst, and what it earned back while the requests came in; each fresh address
    // alone would have had a burst of its own, all 40 served.
    assert.ok(
      served <= BURST + Math.ceil(seconds * RATE),
      `${served} of ${FRESH} served from one /24 in ${seconds.toFixed(1)} s`,
    )
    assert.equal(served + refused.length, FRESH)
    assert.match(
      refused[0].body.toString(),
      /Too many blocks asked from your network \(ip4:127\.0\.7\.0\/24\)/,
    )
    assert.equal(honest.status, 200)
  })

  it('serves a visitor of another /24 its blocks while CARs come from many /24s at once', async () => {
    const car = `/ipfs/?format=car&cids=${chunks.slice(0, BURST).join(',')}`
    const [flood, honest] = await Promise.all([
      Promise.all(
        Array.from({ length: BLOCKS_OF_24 }, (_, i) => getFrom(relay, `127.1.${i + 1}.9`, car)),
      ),
      // Asked while the CARs are being written.
      Promise.all(chunks.slice(0, 4).map((cid) => getFrom(relay, '127.2.0.1', `/ipfs/${cid}`))),
    ])
    // Each /24 has its own allowance: one CAR of a burst each is whole.
    for (const answer of flood) {
      assert.equal(answer.status, 200)
      assert.ok(answer.body.length > BURST * CHUNK_SIZE, `a CAR of ${answer.body.length} bytes`)
    }
    for (const [i, answer] of honest.entries()) {
      assert.equal(answer.status, 200)
      assert.ok(
        Buffer.compare(answer.body, big.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)) === 0,
        `block ${i} byte-identical`,
      )
    }
    // Over the allowance: the next CAR of a flooding /24 is refused, counted as limited.
    const again = await getFrom(relay, '127.1.1.10', car)
    assert.equal(again.status, 429)
    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    assert.ok(
      metricValue(metrics, 'alternet_relay_mirror_http_blocks_total{result="limited"}') >= 1,
    )
  })

  it('sends and charges a CID listed many times in one CAR once', async () => {
    // A /24 of its own: a burst of 8 blocks. The same chunk 64 times costs one of them.
    const from = '127.3.0.1'
    const [first] = chunks
    const repeated = await getFrom(
      relay,
      from,
      `/ipfs/?format=car&cids=${Array(64).fill(first).join(',')}`,
    )
    assert.equal(repeated.status, 200, repeated.body.toString())
    const sent: string[] = []
    for await (const block of readCar(
      new Blob([new Uint8Array(repeated.body)]).stream(),
      2 * CHUNK_SIZE,
    ))
      sent.push(block.cid.toString())
    assert.deepEqual(sent, [first], 'the block once')
    assert.ok(
      Buffer.compare(repeated.body.subarray(-CHUNK_SIZE), big.subarray(0, CHUNK_SIZE)) === 0,
      'its bytes',
    )
    // What is left of the burst still covers seven other blocks at once.
    const others = [...new Set(chunks.slice(1))].filter((cid) => cid !== first).slice(0, BURST - 1)
    assert.equal(others.length, BURST - 1)
    const next = await getFrom(relay, from, `/ipfs/?format=car&cids=${others.join(',')}`)
    assert.equal(next.status, 200, next.body.toString())
  })
})
