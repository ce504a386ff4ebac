import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import {
  createAlternetPeer,
  type BrowserPeer,
  type PublishProgress,
  type PublishedSiteResult,
} from '../../src/net/index.ts'
import { deleteAlternetStorage } from '../../src/storage/index.ts'
import { startAllRelays, stopRelay, testRelays } from '../support/test-relays.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const BIG_SIZE = 20 * 1024 * 1024
const tag = Math.random().toString(36).slice(2, 8)
const SITE = `peers${tag}:code`
/** A file B first asks for after the relays are gone. */
const LATE = { path: '/late/notes.txt', content: 'fetched with every relay down' }

function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i += 65_536)
    crypto.getRandomValues(out.subarray(i, Math.min(size, i + 65_536)))
  return out
}

async function sha256(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

describe('two browser peers in one page, against real relays', () => {
  const big = randomBytes(BIG_SIZE)
  const pages: Record<string, string> = {
    '/index.html': '<h1>home</h1>',
    '/404.html': '<h1>lost</h1>',
    '/about/index.html': '<h1>about</h1>',
    '/blog/2024/first-post.html': '<article>first</article>',
    '/assets/css/site.css': 'body { color: #333 }',
    '/assets/js/app.js': 'console.log("app")',
  }
  const expected = new Map<string, Uint8Array>()
  const names = [`peer-a-${tag}`, `peer-b-${tag}`]
  let a: BrowserPeer
  let b: BrowserPeer
  let published: PublishedSiteResult
  const progress: PublishProgress[] = []
  const eventProgress: PublishProgress[] = []

  before(async () => {
    const relays = (await testRelays()).map((r) => r.http)
    const start = (storageName: string): Promise<BrowserPeer> =>
      createAlternetPeer({ storageName, relays, dev: DEV, rtcConfiguration: { iceServers: [] } })
    ;[a, b] = await Promise.all(names.map(start))
    for (const [path, text] of Object.entries(pages))
      expected.set(path, new TextEncoder().encode(text))
    expected.set('/media/video/big.bin', big)
    expected.set('/readme.txt', new TextEncoder().encode('a File without a folder'))
  })

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    a?.storage.close()
    b?.storage.close()
    await Promise.all(names.map((name) => deleteAlternetStorage(name)))
    await startAllRelays()
  })

  it('A publishes a site with nested folders and a 20 MB file, hashing in a worker, progress in order', async () => {
    a.addEventListener('progress', (e) =>
      eventProgress.push((e as CustomEvent<PublishProgress>).detail),
    )
    const t0 = performance.now()
    published = await a.publishSite({
      site: SITE,
      files: [
        ...Object.entries(pages).map(([path, content]) => ({ path, content })),
        { path: '/media/video/big.bin', content: new Blob([big as BlobPart]) },
        new File(['a File without a folder'], 'readme.txt', { type: 'text/plain' }),
        LATE,
      ],
      onProgress: (p) => progress.push(p),
    })
    console.log(
      `publish of ${(BIG_SIZE / 1e6).toFixed(0)} MB + pages: ${(performance.now() - t0).toFixed(0)} ms, accepted by ${published.accepted}`,
    )
    assert.equal(published.usedWorker, true, 'hashed in the worker')
    assert.equal(published.files, expected.size + 1)
    assert.ok(published.accepted >= 1)
    const phases = progress.map((p) => p.phase)
    // 'mirroring' comes only when a connected relay mirrors sites (these relays do not).
    const order = ['hashing', 'storing', 'announcing', 'mirroring', 'done']
    for (let i = 1; i < phases.length; i++)
      assert.ok(order.indexOf(phases[i]) >= order.indexOf(phases[i - 1]), phases.join())
    for (const phase of order.filter((p) => p !== 'mirroring'))
      assert.ok(phases.includes(phase as PublishProgress['phase']), `${phase} reported`)
    const hashing = progress.filter((p) => p.phase === 'hashing')
    assert.ok(hashing.length > 80, 'a report per chunk')
    for (let i = 1; i < hashing.length; i++)
      assert.ok(hashing[i].bytesHashed >= hashing[i - 1].bytesHashed)
    assert.equal(progress.at(-1)?.bytesStored, progress[0].bytesTotal)
    assert.deepEqual(eventProgress, progress, 'the peer dispatches the same progress events')
    const hosted = await a.hostedSites()
    assert.ok(hosted.some((s) => s.site === SITE && s.root.equals(published.root)))
    const host = published.record.body.hosts?.[0]
    assert.ok(host !== undefined && host.addrs.length > 0, 'A is in the record with its addresses')
  })

  it('B resolves the name and fetches every file with identical bytes (SHA-256)', async () => {
    const { record } = await b.resolve(SITE)
    assert.ok(record.body.content?.equals(published.root))
    for (const [path, bytes] of expected) {
      if (path === '/media/video/big.bin') continue
      const res = await b.fetch(`an://${SITE}${path}`)
      assert.equal(res.status, 200, `${path}: ${res.headers.get('x-an-error')}`)
      assert.equal(await sha256(await res.arrayBuffer()), await sha256(bytes), path)
    }
    const t0 = performance.now()
    const res = await b.fetch(`an://${SITE}/media/video/big.bin`)
    const headersAt = performance.now() - t0
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-length'), String(BIG_SIZE))
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const parts: Uint8Array[] = []
    let firstByteAt = 0
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (parts.length === 0) firstByteAt = performance.now() - t0
      parts.push(r.value)
    }
    const ms = performance.now() - t0
    const all = new Uint8Array(BIG_SIZE)
    let offset = 0
    for (const part of parts) {
      all.set(part, offset)
      offset += part.length
    }
    assert.equal(offset, BIG_SIZE)
    console.log(
      `20 MB from A to B: response ${headersAt.toFixed(0)} ms, first byte ${firstByteAt.toFixed(0)} ms, last byte ${ms.toFixed(0)} ms, ${(BIG_SIZE / 1e6 / (ms / 1000)).toFixed(1)} MB/s`,
    )
    assert.equal(await sha256(all), await sha256(big), 'the 20 MB file is identical')
  })

  it('content flows over a direct WebRTC connection, not the relay, and no slow path is reported', () => {
    const connections = b.libp2p.getConnections(a.peerId)
    assert.ok(
      connections.some((c) => c.limits == null && c.remoteAddr.toString().includes('/webrtc')),
      connections.map((c) => c.remoteAddr.toString()).join(),
    )
    assert.equal(b.status().slowPath.length, 0)
  })

  it('a Range request returns the right slice', async () => {
    const start = 5_000_000
    const end = 7_654_321
    const res = await b.fetch(`an://${SITE}/media/video/big.bin`, {
      headers: { range: `bytes=${start}-${end - 1}` },
    })
    assert.equal(res.status, 206)
    assert.equal(res.headers.get('content-range'), `bytes ${start}-${end - 1}/${BIG_SIZE}`)
    assert.equal(await sha256(await res.arrayBuffer()), await sha256(big.subarray(start, end)))
  })

  it('folders redirect, missing paths get the 404 page, unknown names a typed 404', async () => {
    const about = await b.fetch(`an://${SITE}/about`)
    assert.equal(about.status, 301)
    assert.equal(about.headers.get('location'), `an://${SITE}/about/`)
    const missing = await b.fetch(`an://${SITE}/nope.html`)
    assert.equal(missing.status, 404)
    assert.equal(await missing.text(), '<h1>lost</h1>')
    const unknown = await b.fetch(`an://nobody${tag}:code/`)
    assert.equal(unknown.status, 404)
    assert.equal(unknown.headers.get('x-an-error'), 'NameNotFoundError')
  })

  it('B kept the blocks it fetched in its own IndexedDB for a revisit', async () => {
    await b.flush()
    assert.ok(await b.storage.blocks.hasBlock(published.root))
    const chunks = published.manifest.files['/media/video/big.bin'].chunks
    assert.ok(await b.storage.blocks.hasBlock(chunks[chunks.length - 1]))
    assert.equal((await b.hostedSites()).length, 0, 'visiting is not hosting')
  })

  it('A stops hosting a site: its record drops A at once, B gets 502 HostUnreachableError, republishing keeps A out', async () => {
    const site = `stop${tag}:code`
    const first = await a.publishSite({
      site,
      files: [{ path: '/index.html', content: '<p>soon gone</p>' }],
    })
    const result = await a.stopHosting(site)
    assert.ok(result.accepted > 0, 'the new record was stored')
    const seen = await b.resolve(site, { fresh: true })
    assert.equal(seen.record.body.seq, first.record.body.seq + 1)
    assert.equal(seen.record.body.hosts, undefined, 'no host left')
    assert.ok(seen.record.body.content?.equals(first.root), 'the name and content root are kept')
    const res = await b.fetch(`an://${site}/`)
    assert.equal(res.status, 502)
    assert.equal(res.headers.get('x-an-error'), 'HostUnreachableError')
    assert.equal((await a.storage.sites.getPublishedSite(site))?.hosted, false)
    await a.naming.republishNow()
    const again = await b.resolve(site, { fresh: true })
    assert.ok(again.record.body.seq > seen.record.body.seq, 'republished')
    assert.equal(again.record.body.hosts, undefined, 'A is not signed back in')
  })

  it('with every relay stopped, B still fetches from A over the direct WebRTC link', async () => {
    for (const relay of await testRelays()) await stopRelay(relay.index)
    const res = await b.fetch(`an://${SITE}${LATE.path}`)
    assert.equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    assert.equal(await res.text(), LATE.content)
    assert.equal(b.status().slowPath.length, 0)
  })
})
