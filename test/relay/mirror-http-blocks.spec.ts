/**
 * Mirrored blocks over HTTP (`GET /ipfs/<cid>`, the trustless gateway's raw blocks) against real
 * relay processes: a block of a site held completely is served with its headers and counted, and
 * the mirror's answer names where; a block it does not hold, a block of a site still being
 * fetched and a block of a revoked site are refused in words; many blocks come as one CAR v1
 * stream, and a visitor's fetcher takes a file that way, a few requests for many blocks; a source
 * past its rate is refused in words with a time to wait, and a visitor's fetcher then takes the
 * blocks over libp2p.
 */
import { access, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { varint } from 'multiformats'
import * as dagCbor from '@ipld/dag-cbor'
import { toHex, utf8 } from '../../src/core/bytes.ts'
import { rawCid } from '../../src/core/content/index.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRevocation } from '../../src/core/records/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { readCar } from '../../src/net/fetch/car-reader.ts'
import { bytesOf, pattern } from '../net/hosting-support.ts'
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
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

const MIB = 1024 * 1024
const FLAGS = ['--mirror-scan-interval', '2s', '--mirror-replicas', '64']
const RAW = 'application/vnd.ipld.raw'

/** GET `/ipfs/<cid>` of `relay`, as a browser's `fetch` asks for a raw block. */
function getBlock(relay: RelayProcess, cid: CID | string, accept = RAW): Promise<Response> {
  return fetch(`${relay.http}/ipfs/${cid.toString()}`, { headers: { accept } })
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex((await sha256.digest(bytes)).digest)
}

describe('mirrored blocks over HTTP', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const publishers: SitePublisher[] = []
  let visitor: Visitor
  const revoker = generateKeyPair()

  before(async () => {
    dir = await tempDir()
    await mkdir(join(dir, 'a'), { recursive: true })
    await writeFile(join(dir, 'a', 'trusted-revokers'), `${toHex(revoker.publicKey)}\n`)
    relays.push(await startRelay(join(dir, 'a'), FLAGS))
    visitor = await startVisitor([relays[0].tcp])
  })

  after(async () => {
    await visitor?.stop()
    await Promise.all(publishers.map((p) => p.stop()))
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('serves a block of a site it holds completely with the trustless gateway headers', async () => {
    const [relay] = relays
    const publisher = await startPublisher([relay.tcp])
    publishers.push(publisher)
    const site = uniqueName('httpblk')
    const body = pattern(600_000, 3)
    const published = await publisher.publish(site, { '/data.bin': body })
    await waitMirrored(visitor, relay, site, published.root)

    const status = await visitor.status(relay, site)
    assert.equal(status.http, relay.http, 'the answer names the HTTP port')

    const chunk = published.manifest.files['/data.bin'].chunks[1]
    const res = await getBlock(relay, chunk)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), RAW)
    assert.equal(res.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal(res.headers.get('etag'), `"${chunk.toString()}"`)
    assert.equal(res.headers.get('access-control-allow-origin'), '*')
    assert.equal(res.headers.get('timing-allow-origin'), '*', 'its timing readable by the page')
    const bytes = new Uint8Array(await res.arrayBuffer())
    assert.equal(bytes.length, 262_144)
    assert.equal(await sha256Hex(bytes), toHex(chunk.multihash.digest))
    assert.ok((await rawCid(bytes)).equals(chunk), 'the bytes are the block')

    // The manifest (DAG-CBOR) by ?format=raw, and a revalidation by its ETag.
    const manifest = await fetch(`${relay.http}/ipfs/${published.root.toString()}?format=raw`)
    assert.equal(manifest.status, 200)
    assert.equal(
      await sha256Hex(new Uint8Array(await manifest.arrayBuffer())),
      toHex(published.root.multihash.digest),
    )
    const again = await fetch(`${relay.http}/ipfs/${chunk.toString()}`, {
      headers: { accept: RAW, 'if-none-match': `"${chunk.toString()}"` },
    })
    assert.equal(again.status, 304)

    // A preflight (a client that sends more than a simple request) is answered open.
    const preflight = await fetch(`${relay.http}/ipfs/${chunk.toString()}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*')

    // Another format is refused in words.
    const html = await getBlock(relay, chunk, 'text/html')
    assert.equal(html.status, 406)
    assert.match(await html.text(), /serves blocks as application\/vnd\.ipld\.raw only/)

    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    assert.equal(
      metricValue(metrics, 'alternet_relay_mirror_http_blocks_total{result="served"}'),
      3,
    )
  })

  it('sends many blocks as one CAR stream, and a visitor takes a file that way', async () => {
    const [relay] = relays
    const publisher = await startPublisher([relay.tcp])
    publishers.push(publisher)
    const site = uniqueName('httpcar')
    const big = pattern(20 * 262_144 + 7, 11)
    const published = await publisher.publish(site, { '/big.bin': big })
    await waitMirrored(visitor, relay, site, published.root)
    const chunks = published.manifest.files['/big.bin'].chunks
    const metrics = async (sample: string): Promise<number> =>
      metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)

    // Three chunks and a block nobody mirrors: the three come in the order asked, in a CAR v1.
    const stranger = await rawCid(utf8('a block nobody mirrors'))
    const listed = [chunks[2], stranger, chunks[0], chunks[5]]
    const res = await fetch(`${relay.http}/ipfs/?format=car&cids=${listed.join(',')}`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/vnd.ipld.car; version=1')
    assert.equal(res.headers.get('access-control-allow-origin'), '*')
    assert.equal(res.headers.get('timing-allow-origin'), '*', 'its timing readable by the page')
    const car = new Uint8Array(await res.arrayBuffer())
    const [headerLength, prefix] = varint.decode(car)
    const header = dagCbor.decode<{ version: number; roots: CID[] }>(
      car.subarray(prefix, prefix + headerLength),
    )
    assert.equal(header.version, 1)
    assert.equal(header.roots[0].toString(), chunks[2].toString())
    const got: string[] = []
    for await (const block of readCar(new Blob([car]).stream(), 300_000)) {
      assert.ok((await rawCid(block.bytes)).equals(block.cid), 'each block is its CID')
      got.push(block.cid.toString())
    }
    assert.deepEqual(got, [chunks[2], chunks[0], chunks[5]].map(String))

    // Too many listed, or a CID that is not a block, is refused in words.
    const many = await fetch(
      `${relay.http}/ipfs/?format=car&cids=${Array(65).fill(chunks[0]).join(',')}`,
    )
    assert.equal(many.status, 400)
    assert.match(await many.text(), /at most 64 CIDv1s/)

    // A visitor's fetcher takes the file's 21 chunks in a few CARs, not a request each.
    const carsBefore = await metrics('alternet_relay_mirror_http_cars_total')
    const fetcher = createSiteFetcher({
      libp2p: visitor.node,
      resolve: async () => ({ record: published.record }),
    })
    const file = await fetcher.fetch(`an://${site}/big.bin`)
    assert.equal(file.status, 200, file.headers.get('x-an-error') ?? '')
    const bytes = await bytesOf(file.body)
    assert.ok(bytes.length === big.length && Buffer.compare(bytes, big) === 0, 'byte-identical')
    const cars = (await metrics('alternet_relay_mirror_http_cars_total')) - carsBefore
    assert.ok(cars >= 1 && cars <= 5, `${cars} CAR requests for ${chunks.length} chunks`)
  })

  it('refuses in words a block it does not hold, and one of a revoked site', async () => {
    const [relay] = relays
    const stranger = await rawCid(utf8('a block nobody mirrors'))
    const none = await getBlock(relay, stranger)
    assert.equal(none.status, 404)
    assert.match(await none.text(), /does not serve block .*: it holds no whole site using it/)

    const publisher = await startPublisher([relay.tcp])
    publishers.push(publisher)
    const site = uniqueName('httprevoked')
    const published = await publisher.publish(site, { '/index.html': utf8('<h1>revoked</h1>') })
    await waitMirrored(visitor, relay, site, published.root)
    assert.equal((await getBlock(relay, published.root)).status, 200)
    const revocation = await createRevocation({ name: site }, revoker)
    const res = await fetch(`${relay.http}/revoke`, {
      method: 'POST',
      body: revocation.bytes as Uint8Array<ArrayBuffer>,
    })
    assert.equal(res.status, 200)
    const refused = await getBlock(relay, published.root)
    assert.equal(refused.status, 404)
    assert.match(await refused.text(), /does not serve block/)
  })

  it('does not serve a block of a site it is still fetching', async () => {
    const [relay] = relays
    const publisher = await startPublisher([relay.tcp])
    publishers.push(publisher)
    const site = uniqueName('httpmidpull')
    const publishing = publisher.publish(site, { '/big.bin': pattern(24 * MIB, 5) })
    // The manifest is stored first: once it is on disk with the pull under way, it is asked for.
    const asked = await waitFor<{ status?: number; text?: string }>(
      'a pull under way with the manifest on disk',
      async () => {
        const s = await visitor.status(relay, site)
        if (s.state === 'complete') return {}
        if (s.state !== 'fetching' || s.root === undefined) return undefined
        const file = join(relay.dataDir, 'mirror', 'blocks', s.root.slice(-2), s.root)
        const onDisk = await access(file).then(
          () => true,
          () => false,
        )
        if (!onDisk) return undefined
        const res = await getBlock(relay, s.root)
        if ((await visitor.status(relay, site)).state !== 'fetching') return {}
        return { status: res.status, text: await res.text() }
      },
      60_000,
      100,
    )
    await publishing
    assert.ok(asked.status !== undefined, `${site} was complete before a pull was seen under way`)
    assert.equal(asked.status, 404)
    assert.match(asked.text ?? '', /holds no whole site using it/)
  })

  it('refuses a source past its rate in words, with a time to wait', async () => {
    const slow = await startRelay(join(dir, 'slow'), [...FLAGS, '--mirror-http-rate', '1'])
    relays.push(slow)
    const publisher = await startPublisher([slow.tcp])
    publishers.push(publisher)
    const site = uniqueName('httprate')
    const published = await publisher.publish(site, { '/index.html': utf8('<h1>rate</h1>') })
    const watcher = await startVisitor([slow.tcp])
    try {
      await waitMirrored(watcher, slow, site, published.root)
    } finally {
      await watcher.stop()
    }
    // A rate of 1 a second lets 4 through at once; of 12 asked together, most are refused.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => getBlock(slow, published.root)),
    )
    const refused = answers.filter((r) => r.status === 429)
    assert.ok(refused.length >= 4, `${refused.length} of 12 refused`)
    assert.ok(Number(refused[0].headers.get('retry-after')) >= 1)
    assert.match(
      await refused[0].text(),
      /Too many blocks asked from your network \(ip4:127\.0\.0\.0\/24\)/,
    )
    const metrics = await (await fetch(`${slow.http}/metrics`)).text()
    assert.equal(
      metricValue(metrics, 'alternet_relay_mirror_http_blocks_total{result="limited"}'),
      refused.length,
    )
    // The relay's other endpoints still answer that source.
    assert.equal((await getJson(slow, '/health')).status, 'ok')
  })

  it('gives a visitor every byte over libp2p when the mirror stops serving it over HTTP', async () => {
    const slow = relays.find((r) => r !== relays[0])!
    const publisher = await startPublisher([slow.tcp])
    publishers.push(publisher)
    const site = uniqueName('httpfallback')
    const big = pattern(12 * 262_144 + 99, 8)
    const published = await publisher.publish(site, { '/big.bin': big })
    const reader = await startVisitor([slow.tcp])
    try {
      await waitMirrored(reader, slow, site, published.root)
      await publisher.stop()
      const limitedBefore = metricValue(
        await (await fetch(`${slow.http}/metrics`)).text(),
        'alternet_relay_mirror_http_blocks_total{result="limited"}',
      )
      const fetcher = createSiteFetcher({
        libp2p: reader.node,
        resolve: async () => ({ record: published.record }),
      })
      const res = await fetcher.fetch(`an://${site}/big.bin`)
      assert.equal(res.status, 200, res.headers.get('x-an-error') ?? '')
      const got = await bytesOf(res.body)
      assert.ok(got.length === big.length && Buffer.compare(got, big) === 0, 'byte-identical')
      // Some blocks were refused over HTTP (a rate of 1 a second), and came over libp2p.
      const limited =
        metricValue(
          await (await fetch(`${slow.http}/metrics`)).text(),
          'alternet_relay_mirror_http_blocks_total{result="limited"}',
        ) - limitedBefore
      assert.ok(limited >= 1, `${limited} blocks refused over HTTP`)
    } finally {
      await reader.stop()
    }
  })
})
