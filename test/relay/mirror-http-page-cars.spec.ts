/**
 * A page's CARs of mirrored blocks are capped together: a visitor reads every file of a site at
 * once from a real relay that mirrors it, and the page keeps its CARs under way at that mirror
 * within one budget for all the files, queueing the rest. Without that, each file asks on its
 * own, the page begins more CARs than the relay lets one address block have under way, and the
 * relay refuses them (429; each such file then takes its blocks over libp2p).
 */
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { bytesOf, pattern } from '../net/hosting-support.ts'
import { metricValue } from './support/relay-process.ts'
import {
  ANY_RATE_FLAGS,
  MIRROR_FLAGS,
  startMirrorHttp,
  type MirrorHttpSetUp,
} from './support/mirror-http.ts'

/** Files read at once, each of a few chunks (a CAR or more each). */
const FILES = 32
const REFUSED = 'alternet_relay_mirror_http_slow_cars_total{result="refused"}'

describe("a page's CARs of mirrored blocks", () => {
  let net: MirrorHttpSetUp

  // A rate no file here comes near: only the cap on CARs under way can refuse.
  before(async () => (net = await startMirrorHttp([...MIRROR_FLAGS, ...ANY_RATE_FLAGS])))
  after(async () => net?.stop())

  it('stay within the relay’s cap when a page reads many files at once', async () => {
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < FILES; i++) files[`/f${i}.bin`] = pattern(3 * CHUNK_SIZE + i, 100 + i)
    const { site, published } = await net.publishMirrored('pagecars', files)
    await net.publisher.stop()
    const metrics = async (sample: string): Promise<number> =>
      metricValue(await (await fetch(`${net.relay.http}/metrics`)).text(), sample)
    const refusedBefore = await metrics(REFUSED)
    const carsBefore = await metrics('alternet_relay_mirror_http_cars_total')

    const fetcher = createSiteFetcher({
      libp2p: net.visitor.node,
      resolve: async () => ({ record: published.record }),
    })
    // The manifest first, so that every file's blocks are asked for together.
    const index = await fetcher.fetch(`an://${site}/f0.bin`)
    assert.equal(index.status, 200, index.headers.get('x-an-error') ?? '')
    await bytesOf(index.body)
    const read = await Promise.all(
      Object.keys(files).map(async (path) => {
        const res = await fetcher.fetch(`an://${site}${path}`)
        const error = res.headers.get('x-an-error') ?? ''
        return { path, status: res.status, error, bytes: await bytesOf(res.body) }
      }),
    )
    const cars = (await metrics('alternet_relay_mirror_http_cars_total')) - carsBefore
    const refused = (await metrics(REFUSED)) - refusedBefore
    assert.equal(refused, 0, `${refused} of ${cars} CARs refused (cap of CARs under way)`)
    for (const { path, status, error, bytes } of read) {
      assert.equal(status, 200, `${path}: ${error}`)
      assert.ok(Buffer.compare(bytes, files[path]) === 0, `${path} byte-identical`)
    }
    assert.ok(cars >= FILES, `${cars} CARs for ${FILES} files`)
    assert.equal(refused, 0, `${refused} CARs refused (cap of CARs under way)`)
  })
})
