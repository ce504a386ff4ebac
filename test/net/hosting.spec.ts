import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import { createRouteClient } from '../../src/net/route/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type PublishPhase,
  type PublishProgress,
  type PublishedSiteResult,
  type SiteHost,
} from '../../src/net/hosting/index.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import {
  MemorySites,
  MemoryStore,
  NameTable,
  bounded,
  bytesOf,
  pattern,
  tcpNode,
} from './hosting-support.ts'

const SITE = 'mysite:code'
const BIG = pattern(17 * CHUNK_SIZE + 4321)
const FILES: Record<string, Uint8Array> = {
  '/index.html': utf8('<h1>home</h1>'),
  '/404.html': utf8('<h1>not here</h1>'),
  '/docs/index.html': utf8('<h1>docs</h1>'),
  '/docs/guide/intro.html': utf8('<p>intro</p>'),
  '/docs/guide/deep/more/notes.txt': utf8('deep'),
  '/img/logo.svg': utf8('<svg xmlns="http://www.w3.org/2000/svg"/>'),
  '/a b.txt': utf8('space'),
  '/empty.txt': new Uint8Array(0),
  '/data/big.bin': BIG,
}

/** A publishing node: its libp2p, store and host. */
interface Publisher {
  libp2p: Libp2p
  store: MemoryStore
  host: SiteHost
  sites: MemorySites
}

async function publisher(): Promise<Publisher> {
  const libp2p = await tcpNode()
  const store = new MemoryStore()
  const host = createSiteHost({ store })
  await host.start(libp2p)
  return { libp2p, store, host, sites: new MemorySites() }
}

function filesOf(files: Record<string, Uint8Array>): { path: string; content: Uint8Array }[] {
  return Object.entries(files).map(([path, content]) => ({ path, content }))
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

describe('publishing, hosting and fetching a site between libp2p nodes over TCP', () => {
  const names = new NameTable()
  const owner = generateKeyPair()
  let a: Publisher
  let visitor: Libp2p
  let visitorStore: MemoryStore
  let fetcher: SiteFetcher
  let published: PublishedSiteResult
  const progress: PublishProgress[] = []
  const slow: string[] = []

  before(async () => {
    a = await publisher()
    visitor = await tcpNode()
    visitorStore = new MemoryStore()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      resolve: (site) => names.resolve(site),
      store: visitorStore,
      onSlowPath: ({ site }) => slow.push(site),
    })
    published = await publishSite(
      {
        store: a.store,
        host: a.host,
        publish: names.publisher(owner),
        hostEntry: () => hostEntry(a.libp2p),
        sites: a.sites,
      },
      { site: 'MySite:Code', files: filesOf(FILES), onProgress: (p) => progress.push(p) },
    )
  })

  after(async () => {
    await a.host.stop()
    await Promise.all([a.libp2p.stop(), visitor.stop()])
  })

  it('publishes: blocks and manifest stored as the hosted site, record signed with root and host', async () => {
    equal(published.site, SITE)
    equal(published.files, Object.keys(FILES).length)
    equal(published.usedWorker, false)
    const hosted = await a.store.getHostedSite(SITE)
    ok(hosted !== undefined && hosted.root.equals(published.root))
    ok(a.store.puts > 1, 'blocks were stored in several batches before the manifest')
    const { record } = await names.resolve(SITE)
    ok(record.body.content?.equals(published.root))
    equal(record.body.type, 'root')
    equal(record.body.hosts?.length, 1)
    deepEqual(record.body.hosts?.[0].id, a.libp2p.peerId.toMultihash().bytes)
    ok((record.body.hosts?.[0].addrs.length ?? 0) > 0)
    equal((await a.sites.getPublishedSite(SITE))?.seq, 1)
  })

  it('reports progress in order: hashing up to every byte, storing, announcing, done', () => {
    const phases = progress.map((p) => p.phase)
    const order: PublishPhase[] = ['hashing', 'storing', 'announcing', 'done']
    const firstOf = order.map((phase) => phases.indexOf(phase))
    ok(
      firstOf.every((i, k) => i >= 0 && (k === 0 || i > firstOf[k - 1])),
      phases.join(','),
    )
    for (let i = 1; i < phases.length; i++)
      ok(order.indexOf(phases[i]) >= order.indexOf(phases[i - 1]), 'phases never go back')
    const hashing = progress.filter((p) => p.phase === 'hashing')
    for (let i = 1; i < hashing.length; i++)
      ok(hashing[i].bytesHashed >= hashing[i - 1].bytesHashed)
    const total = Object.values(FILES).reduce((n, f) => n + f.length, 0)
    equal(progress[0].bytesTotal, total)
    equal(progress.at(-1)?.bytesStored, total)
    equal(progress.at(-1)?.accepted, 1)
  })

  it('fetches every file byte-identical, with its media type and length', async () => {
    await bounded(async () => {
      for (const [path, bytes] of Object.entries(FILES)) {
        const url = `an://${SITE}${path.replace(' ', '%20')}`
        const res = await fetcher.fetch(url)
        equal(res.status, 200, `${path}: ${res.headers.get('x-an-error')}`)
        equal(res.headers.get('content-length'), String(bytes.length))
        ok(same(await bytesOf(res.body), bytes), `${path} is byte-identical`)
      }
      const home = await fetcher.fetch(`an://${SITE}/`)
      equal(home.headers.get('content-type'), 'text/html; charset=utf-8')
      equal(await home.text(), '<h1>home</h1>')
    })
    equal(slow.length, 0, 'a direct connection is no slow path')
  })

  it('answers a Range with 206 and exactly that slice, across chunk borders', async () => {
    const start = CHUNK_SIZE - 10
    const end = 3 * CHUNK_SIZE + 7
    const res = await fetcher.fetch(`an://${SITE}/data/big.bin`, {
      headers: { range: `bytes=${start}-${end - 1}` },
    })
    equal(res.status, 206)
    equal(res.headers.get('content-range'), `bytes ${start}-${end - 1}/${BIG.length}`)
    ok(same(new Uint8Array(await res.arrayBuffer()), BIG.subarray(start, end)))
    const suffix = await fetcher.fetch(`an://${SITE}/data/big.bin`, {
      headers: { range: 'bytes=-5' },
    })
    ok(same(new Uint8Array(await suffix.arrayBuffer()), BIG.subarray(BIG.length - 5)))
    const beyond = await fetcher.fetch(`an://${SITE}/data/big.bin`, {
      headers: { range: `bytes=${BIG.length}-` },
    })
    equal(beyond.status, 416)
    equal(beyond.headers.get('content-range'), `bytes */${BIG.length}`)
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await fetcher.fetch(`an://${SITE}/data/big.bin`, { method: 'HEAD' })
    equal(res.status, 200)
    equal(res.headers.get('content-length'), String(BIG.length))
    equal(res.headers.get('content-type'), 'application/octet-stream')
    ok(res.headers.get('etag')?.startsWith('"b'))
    equal(res.body, null)
  })

  it('answers 304 when If-None-Match names the ETag, 200 when it names another', async () => {
    const first = await fetcher.fetch(`an://${SITE}/docs/`)
    const etag = first.headers.get('etag')
    ok(etag !== null)
    await first.body?.cancel()
    const again = await fetcher.fetch(`an://${SITE}/docs/`, { headers: { 'if-none-match': etag } })
    equal(again.status, 304)
    equal(again.headers.get('etag'), etag)
    const other = await fetcher.fetch(`an://${SITE}/docs/`, {
      headers: { 'if-none-match': '"bnope"' },
    })
    equal(other.status, 200)
    equal(await other.text(), '<h1>docs</h1>')
  })

  it('redirects a folder without its slash to an an:// Location, keeping the query', async () => {
    const res = await fetcher.fetch(`an://${SITE}/docs/guide?x=1`)
    equal(res.status, 404, 'guide has no index.html: not a folder page')
    const docs = await fetcher.fetch(`an://${SITE}/docs?x=1`)
    equal(docs.status, 301)
    equal(docs.headers.get('location'), `an://${SITE}/docs/?x=1`)
  })

  it("answers a missing path with 404 and the site's 404 page", async () => {
    const res = await fetcher.fetch(`an://${SITE}/no/such/page.html`)
    equal(res.status, 404)
    equal(res.headers.get('x-an-reason'), 'not-found')
    equal(res.headers.get('content-type'), 'text/html; charset=utf-8')
    equal(await res.text(), '<h1>not here</h1>')
  })

  it('maps typed errors to statuses: bad path 400, unknown name 404, other methods 405', async () => {
    const bad = await fetcher.fetch(`an://${SITE}/a/%2e%2e/b`)
    equal(bad.status, 400)
    equal(bad.headers.get('x-an-error'), 'InvalidPathError')
    const unknown = await fetcher.fetch('an://nobody:here/')
    equal(unknown.status, 404)
    equal(unknown.headers.get('x-an-error'), 'NameNotFoundError')
    const post = await fetcher.fetch(`an://${SITE}/`, { method: 'POST' })
    equal(post.status, 405)
    equal(post.headers.get('allow'), 'GET, HEAD')
  })

  it('rejects with the reason when the caller aborts', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    let reason: unknown
    await fetcher.fetch(`an://${SITE}/`, { signal: controller.signal }).catch((e: unknown) => {
      reason = e
    })
    equal((reason as Error | undefined)?.message, 'stop')
  })

  it('keeps the visited blocks, so a revisit works with the host gone', async () => {
    await fetcher.flush()
    ok(await visitorStore.hasBlock(published.root), 'the manifest is kept')
    for (const cid of published.manifest.files['/data/big.bin'].chunks)
      ok(await visitorStore.hasBlock(cid), 'every chunk fetched is kept')
    equal(visitorStore.hosted.size, 0, 'a visited site is not hosted')
    // A fresh fetcher (no manifest in memory) on the same store, the publisher unreachable.
    await a.host.stop()
    const offline = createSiteFetcher({
      libp2p: visitor,
      resolve: (site) => names.resolve(site),
      store: visitorStore,
    })
    for (const [path, bytes] of Object.entries(FILES)) {
      const res = await offline.fetch(`an://${SITE}${path.replace(' ', '%20')}`)
      equal(res.status, 200)
      ok(same(await bytesOf(res.body), bytes))
    }
    await a.host.start(a.libp2p)
  })

  it('answers block requests for the sites it hosts, not for sites its person only visited (unless it mirrors them)', async () => {
    await fetcher.fetch(`an://${SITE}/data/big.bin`).then((res) => res.arrayBuffer())
    await fetcher.flush()
    const chunk = published.manifest.files['/data/big.bin'].chunks[2]
    ok(await visitorStore.hasBlock(published.root), 'the visitor keeps the manifest')
    ok(await visitorStore.hasBlock(chunk), 'and the chunks it fetched')
    const prober = await tcpNode()
    const client = createRouteClient(prober)
    /** What a block request to `peer` gets: its status. */
    const ask = (peer: Libp2p, cid: CID): Promise<number> =>
      client.getBlock(peer.getMultiaddrs(), cid).then(
        () => 200,
        (error: unknown) => (error as { status?: number }).status ?? -1,
      )
    try {
      // The host serves its site's blocks.
      equal(await ask(a.libp2p, published.root), 200)
      equal(await ask(a.libp2p, chunk), 200)
      // A visitor, hosting as every peer does, holds the blocks but does not give them away.
      const plain = createSiteHost({ store: visitorStore })
      await plain.start(visitor)
      try {
        equal(await ask(visitor, published.root), 404, 'the visited manifest is not served')
        equal(await ask(visitor, chunk), 404, 'a visited chunk is not served')
      } finally {
        await plain.stop()
      }
      // One that opted in to mirroring what it visits serves them.
      const mirror = createSiteHost({ store: visitorStore, serveVisitedBlocks: true })
      await mirror.start(visitor)
      try {
        equal(await ask(visitor, published.root), 200)
        equal(await ask(visitor, chunk), 200)
      } finally {
        await mirror.stop()
      }
    } finally {
      await prober.stop()
    }
  })

  it('keeps the manifest again on the next visit after the kept blocks were cleared', async () => {
    await fetcher.fetch(`an://${SITE}/`).then((res) => res.text())
    await fetcher.flush()
    ok(await visitorStore.hasBlock(published.root))
    // What "Clear visited sites" does to the store, while this fetcher still has the manifest in memory.
    visitorStore.blocks.delete(published.root.toString())
    const res = await fetcher.fetch(`an://${SITE}/`)
    equal(res.status, 200)
    await res.text()
    await fetcher.flush()
    ok(await visitorStore.hasBlock(published.root), 'the manifest is kept again')
  })

  it('republishing new content replaces the kept blocks of the old one on the next visit', async () => {
    const second = await publishSite(
      {
        store: a.store,
        host: a.host,
        publish: names.publisher(owner),
        hostEntry: () => hostEntry(a.libp2p),
        sites: a.sites,
      },
      { site: SITE, files: [{ path: '/index.html', content: '<h1>v2</h1>' }] },
    )
    equal(second.record.body.seq, 2)
    const res = await fetcher.fetch(`an://${SITE}/`)
    equal(await res.text(), '<h1>v2</h1>')
    await fetcher.flush()
    ok(!(await visitorStore.hasBlock(published.root)), 'the old manifest is gone')
    ok(!(await visitorStore.hasBlock(published.manifest.files['/data/big.bin'].chunks[0])))
    ok(await visitorStore.hasBlock(second.root))
    const old = (await a.store.getHostedSite(SITE))?.root as CID
    ok(old.equals(second.root), 'the host serves the new root only')
  })
})
