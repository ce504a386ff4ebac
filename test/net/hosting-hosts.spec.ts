import type { Libp2p } from '@libp2p/interface'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import type { RecordHost } from '../../src/core/records/index.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { ROUTE_PROTOCOL } from '../../src/net/route/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type PublishedSiteResult,
  type SiteHost,
} from '../../src/net/hosting/index.ts'
import { equal, ok } from '../support/assert.ts'
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

const SITE = 'mirrored:code'
const BIG = pattern(6 * CHUNK_SIZE + 99, 7)

interface Node {
  libp2p: Libp2p
  store: MemoryStore
  host: SiteHost
}

async function node(init: { serveVisitedBlocks?: boolean } = {}): Promise<Node> {
  const libp2p = await tcpNode()
  const store = new MemoryStore()
  const host = createSiteHost({ ...init, store })
  await host.start(libp2p)
  return { libp2p, store, host }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

describe('fetching from several hosts: tampered, unreachable and stopped hosts', () => {
  const names = new NameTable()
  const publish = names.publisher(generateKeyPair())
  let honest: Node
  let liar: Node
  let visitor: Libp2p
  let site: PublishedSiteResult
  const nodes: Node[] = []

  /** Publishes the record of SITE (or `name`) with `hosts`, same content. */
  async function point(hosts: RecordHost[], name = SITE, seq = Date.now()): Promise<void> {
    await publish({ type: 'root', name, seq, content: site.root, hosts })
  }

  /** A visitor fetcher with an empty store, reporting dropped hosts. */
  function visit(dropped: string[] = []): ReturnType<typeof createSiteFetcher> {
    return createSiteFetcher({
      libp2p: visitor,
      resolve: (s) => names.resolve(s),
      store: new MemoryStore(),
      onHostDropped: ({ peer }) => dropped.push(peer.toString()),
      connect: { directTimeout: 2_000, relayTimeout: 2_000 },
      client: { responseTimeout: 3_000 },
    })
  }

  before(async () => {
    honest = await node()
    // The liar answers block requests for whatever it holds, without listing the site as hosted:
    // its file requests get 404, so visitors ask it for blocks and check each one.
    liar = await node({ serveVisitedBlocks: true })
    nodes.push(honest, liar)
    visitor = await tcpNode()
    site = await publishSite(
      {
        store: honest.store,
        host: honest.host,
        publish,
        hostEntry: () => hostEntry(honest.libp2p),
        sites: new MemorySites(),
      },
      {
        site: SITE,
        files: [
          { path: '/index.html', content: '<h1>mirror me</h1>' },
          { path: '/files/big.bin', content: BIG },
        ],
      },
    )
    // The liar mirrors the same site and serves every chunk and the manifest with a flipped byte.
    for (const [cid, bytes] of honest.store.blocks) liar.store.blocks.set(cid, bytes)
    await liar.store.putSite(SITE, site.root)
    for (const cid of liar.store.blocks.keys()) liar.store.tampered.add(cid)
  })

  after(async () => {
    await Promise.all(
      nodes.map(async (n) => {
        await n.host.stop()
        await n.libp2p.stop()
      }),
    )
    await visitor.stop()
  })

  it('drops a host that sends wrong bytes and gets the file from the honest one', async () => {
    await point([hostEntry(liar.libp2p), hostEntry(honest.libp2p)])
    const dropped: string[] = []
    const res = await bounded(() => visit(dropped).fetch(`an://${SITE}/files/big.bin`))
    equal(res.status, 200)
    ok(same(await bytesOf(res.body), BIG), 'the bytes are the honest ones')
    ok(dropped.includes(liar.libp2p.peerId.toString()), 'the liar was dropped')
    ok(!dropped.includes(honest.libp2p.peerId.toString()))
  })

  it('answers 502 BlockVerificationError when the only host lies, never passing its bytes on', async () => {
    await point([hostEntry(liar.libp2p)])
    const res = await bounded(() => visit().fetch(`an://${SITE}/files/big.bin`))
    equal(res.status, 502)
    equal(res.headers.get('x-an-error'), 'BlockVerificationError')
    ok(!(await res.text()).includes(String.fromCharCode(BIG[0], BIG[1], BIG[2])))
  })

  it('errors the body, after verified bytes only, when the lie starts mid-file', async () => {
    // The liar now serves the manifest and the first chunk right, the rest tampered.
    liar.store.tampered.delete(site.root.toString())
    liar.store.tampered.delete(site.manifest.files['/files/big.bin'].chunks[0].toString())
    await point([hostEntry(liar.libp2p)], SITE)
    const res = await bounded(() => visit().fetch(`an://${SITE}/files/big.bin`))
    equal(res.status, 200, 'the first chunk was good')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const received: Uint8Array[] = []
    let failure: unknown
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) received.push(r.value)
    } catch (error) {
      failure = error
    }
    equal((failure as Error | undefined)?.name, 'BlockVerificationError')
    let offset = 0
    for (const part of received) {
      ok(same(part, BIG.subarray(offset, offset + part.length)), 'every byte passed on is right')
      offset += part.length
    }
    ok(offset < BIG.length)
    for (const cid of liar.store.blocks.keys()) liar.store.tampered.add(cid)
  })

  it('answers 502 HostUnreachableError when no host can be reached', async () => {
    const gone = await tcpNode()
    const entry = hostEntry(gone)
    await gone.stop()
    await point([entry])
    const res = await bounded(() => visit().fetch(`an://${SITE}/`))
    equal(res.status, 502)
    equal(res.headers.get('x-an-error'), 'HostUnreachableError')
  })

  it('dials again when an open connection to the host answers nothing (half-open)', async () => {
    await point([hostEntry(honest.libp2p)])
    const fetcher = createSiteFetcher({
      libp2p: visitor,
      resolve: (s) => names.resolve(s),
      client: { responseTimeout: 1_000 },
    })
    const warm = await fetcher.fetch(`an://${SITE}/`)
    equal(warm.status, 200)
    await warm.body?.cancel()
    const [stale] = visitor.getConnections(honest.libp2p.peerId)
    ok(stale !== undefined)
    // From now on the host answers nothing on that connection, as if it were dead on its side.
    const dead = honest.libp2p.getConnections(visitor.peerId).map((c) => c.id)
    await honest.libp2p.unhandle(ROUTE_PROTOCOL)
    await honest.libp2p.handle(
      ROUTE_PROTOCOL,
      (stream, connection) => {
        if (!dead.includes(connection.id)) void honest.host.server.handleStream(stream, connection)
      },
      { runOnLimitedConnection: true },
    )
    const res = await bounded(() => fetcher.fetch(`an://${SITE}/files/big.bin`))
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    ok(same(await bytesOf(res.body), BIG))
    equal(stale.status === 'open', false, 'the silent connection was closed')
    ok(visitor.getConnections(honest.libp2p.peerId).some((c) => c.id !== stale.id))
    await honest.host.stop()
    await honest.host.start(honest.libp2p)
  })

  it('a host that stops hosting the site no longer serves it', async () => {
    await point([hostEntry(honest.libp2p)])
    const before = await visit().fetch(`an://${SITE}/`)
    equal(await before.text(), '<h1>mirror me</h1>')
    await honest.host.stopHosting(SITE)
    equal((await honest.host.sites()).length, 0)
    equal(honest.store.blocks.size, 0, 'its blocks are deleted')
    const after = await bounded(() => visit().fetch(`an://${SITE}/`))
    equal(after.status, 502)
    equal(after.headers.get('x-an-error'), 'HostUnreachableError')
  })
})
