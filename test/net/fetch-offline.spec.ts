/**
 * Offline copies from the node: a visitor that fetched a site online answers it again once the
 * host and every DHT server are gone, from the record it cached and the blocks it kept, and
 * marks that answer `x-an-offline-copy: <when the record was received>`; an answer that
 * reached a host, or made while a DHT server is connected, is not marked. Real libp2p nodes
 * over TCP: two DHT servers (kad-dht on the Alternet protocol, as the relays run it), a host,
 * a visitor. Names come from the specs' name table through a cache that answers like the
 * naming service's (the record and when it was received, from the cache while its TTL lasts,
 * `offline` when no DHT server is there to ask): the fetcher marks what the resolver says.
 */
import { identify } from '@libp2p/identify'
import { kadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { parseSiteName } from '../../src/core/names/index.ts'
import {
  OFFLINE_COPY_HEADER,
  createSiteFetcher,
  type ResolvedSite,
  type SiteFetcher,
} from '../../src/net/fetch/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type SiteHost,
} from '../../src/net/hosting/index.ts'
import { canLookUpNames, type NamingReach } from '../../src/net/naming/naming-reach.ts'
import { DHT_PROTOCOL } from '../../src/net/node/constants.ts'
import { equal, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import {
  MemorySites,
  MemoryStore,
  NameTable,
  bounded,
  bytesOf,
  pattern,
} from './hosting-support.ts'

const SITE = 'kept:offline'
const BIG = pattern(3 * CHUNK_SIZE + 777)
const FILES = [
  { path: '/index.html', content: utf8('<h1>kept</h1>') },
  { path: '/style.css', content: utf8('h1 { color: green }') },
  { path: '/big.bin', content: BIG },
  { path: '/later.txt', content: utf8('fetched on the second visit') },
  { path: '/never.txt', content: utf8('never fetched') },
]

/** A TCP node with identify and kad-dht on the Alternet protocol: a server, or a client. */
function dhtNode(clientMode: boolean): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: DHT_PROTOCOL, clientMode, allowQueryWithZeroPeers: true }),
    },
  })
}

/**
 * Records from the name table, kept with the time they came: reused while their TTL lasts. Like
 * the naming service, a cached answer is `offline` when `node` has no DHT server to ask.
 */
class CachedNames {
  private readonly cache = new Map<string, { record: ResolvedSite['record']; receivedAt: number }>()
  private readonly table: NameTable
  node?: NamingReach
  constructor(table: NameTable) {
    this.table = table
  }

  async resolve(site: string): Promise<ResolvedSite> {
    const key = parseSiteName(site).site
    const cached = this.cache.get(key)
    if (cached !== undefined && Date.now() - cached.receivedAt < cached.record.body.ttl * 1000) {
      const offline = this.node === undefined || !(await canLookUpNames(this.node))
      return { record: cached.record, fromCache: true, receivedAt: cached.receivedAt, offline }
    }
    const { record } = await this.table.resolve(key)
    const receivedAt = Date.now()
    this.cache.set(key, { record, receivedAt })
    return { record, fromCache: false, receivedAt }
  }
}

/** Resolves once `node` has no open connection left. */
async function disconnected(node: Libp2p): Promise<void> {
  while (node.getConnections().some((c) => c.status === 'open'))
    await new Promise((resolve) => setTimeout(resolve, 50))
}

/** Resolves once `node` knows `peer` serves the DHT (identify ran). */
async function identified(node: Libp2p, peer: Libp2p): Promise<void> {
  for (;;) {
    const known = await node.peerStore.get(peer.peerId).catch(() => undefined)
    if (known?.protocols.includes(DHT_PROTOCOL) === true) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('offline copies: a visited site answered with no network is marked, with its age', () => {
  const table = new NameTable()
  const names = new CachedNames(table)
  let servers: Libp2p[]
  let hostNode: Libp2p
  let host: SiteHost
  let visitor: Libp2p
  let fetcher: SiteFetcher
  let visitorStore: MemoryStore
  /** A fetcher on the visitor's kept blocks whose resolver says `offline` as told. */
  const told = (offline: boolean): SiteFetcher =>
    createSiteFetcher({
      libp2p: visitor,
      store: visitorStore,
      resolve: async (site) => ({ ...(await names.resolve(site)), offline }),
    })
  let resolvedFrom = 0
  let resolvedBy = 0
  let liveEtag = ''

  before(async () => {
    servers = await Promise.all([dhtNode(false), dhtNode(false)])
    hostNode = await dhtNode(true)
    const hostStore = new MemoryStore()
    host = createSiteHost({ store: hostStore })
    await host.start(hostNode)
    visitor = await dhtNode(true)
    for (const server of servers) {
      await hostNode.dial(server.getMultiaddrs()[0])
      await visitor.dial(server.getMultiaddrs()[0])
    }
    await bounded(() => Promise.all(servers.map((server) => identified(visitor, server))))
    await publishSite(
      {
        store: hostStore,
        host,
        publish: table.publisher(generateKeyPair()),
        hostEntry: () => hostEntry(hostNode),
        sites: new MemorySites(),
      },
      { site: SITE, files: FILES },
    )
    names.node = visitor
    visitorStore = new MemoryStore()
    fetcher = createSiteFetcher({
      libp2p: visitor,
      store: visitorStore,
      resolve: (site) => names.resolve(site),
    })
  })

  after(async () => {
    await visitor?.stop()
    await hostNode?.stop()
    for (const server of servers ?? []) await server.stop()
  })

  it('a first visit reaches the host: no offline mark', async () => {
    resolvedFrom = Date.now()
    const res = await bounded(() => fetcher.fetch(`an://${SITE}/`))
    resolvedBy = Date.now()
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    equal(res.headers.get(OFFLINE_COPY_HEADER), null)
    equal(await res.text(), '<h1>kept</h1>')
    liveEtag = res.headers.get('etag') ?? ''
    ok(liveEtag !== '')
    const css = await bounded(() => fetcher.fetch(`an://${SITE}/style.css`))
    equal(css.headers.get(OFFLINE_COPY_HEADER), null)
    equal(await css.text(), 'h1 { color: green }')
    const big = await bounded(() => fetcher.fetch(`an://${SITE}/big.bin`))
    equal((await bytesOf(big.body)).length, BIG.length)
    await fetcher.flush()
  })

  it('online, from the cached record and kept blocks: not an offline copy (DHT servers are connected)', async () => {
    const res = await bounded(() => fetcher.fetch(`an://${SITE}/`))
    equal(res.status, 200)
    equal(res.headers.get(OFFLINE_COPY_HEADER), null)
    equal(await res.text(), '<h1>kept</h1>')
    // The same cached record, but a file whose blocks only the host has: it reached the host.
    const later = await bounded(() => fetcher.fetch(`an://${SITE}/later.txt`))
    equal(later.status, 200, later.headers.get('x-an-error') ?? '')
    equal(later.headers.get(OFFLINE_COPY_HEADER), null)
    equal(await later.text(), 'fetched on the second visit')
  })

  it("the resolver's word decides: a cached answer it calls offline is marked, though DHT servers are connected", async () => {
    ok(visitor.getConnections().length > 0, 'the visitor is still connected')
    const res = await bounded(() => told(true).fetch(`an://${SITE}/`))
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    ok(res.headers.get(OFFLINE_COPY_HEADER) !== null, 'marked as the resolver said')
    equal(await res.text(), '<h1>kept</h1>')
  })

  it('with the host and the DHT servers gone, the kept site answers as an offline copy dated when its record came', async () => {
    await hostNode.stop()
    for (const server of servers) await server.stop()
    await bounded(() => disconnected(visitor))

    const res = await bounded(() => fetcher.fetch(`an://${SITE}/`))
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    equal(await res.text(), '<h1>kept</h1>')
    equal(res.headers.get('etag'), liveEtag, 'the ETag is the live one')
    const mark = res.headers.get(OFFLINE_COPY_HEADER)
    ok(mark !== null, 'marked as an offline copy')
    equal(new Date(Date.parse(mark)).toISOString(), mark, 'an ISO 8601 date')
    const at = Date.parse(mark)
    ok(at >= resolvedFrom && at <= resolvedBy, `dated when the record was received (${mark})`)

    // The rest of HTTP is as online: Range, If-None-Match, HEAD.
    const part = await bounded(() =>
      fetcher.fetch(`an://${SITE}/big.bin`, {
        headers: { range: `bytes=${CHUNK_SIZE - 5}-${CHUNK_SIZE + 4}` },
      }),
    )
    equal(part.status, 206)
    equal(
      part.headers.get('content-range'),
      `bytes ${CHUNK_SIZE - 5}-${CHUNK_SIZE + 4}/${BIG.length}`,
    )
    equal(part.headers.get(OFFLINE_COPY_HEADER), mark)
    ok((await bytesOf(part.body)).every((byte, i) => byte === BIG[CHUNK_SIZE - 5 + i]))
    const same = await bounded(() =>
      fetcher.fetch(`an://${SITE}/`, { headers: { 'if-none-match': liveEtag } }),
    )
    equal(same.status, 304)
    const head = await bounded(() => fetcher.fetch(`an://${SITE}/style.css`, { method: 'HEAD' }))
    equal(head.status, 200)
    equal(head.headers.get(OFFLINE_COPY_HEADER), mark)
  })

  it("the resolver's word decides: an answer it made with the network is not marked, though nothing is connected", async () => {
    equal(visitor.getConnections().length, 0)
    const res = await bounded(() => told(false).fetch(`an://${SITE}/`))
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    equal(res.headers.get(OFFLINE_COPY_HEADER), null)
    equal(await res.text(), '<h1>kept</h1>')
  })

  it('a file never fetched needs the host: an error, not an offline copy', async () => {
    const res = await bounded(() => fetcher.fetch(`an://${SITE}/never.txt`), 60_000)
    equal(res.headers.get('x-an-error'), 'HostUnreachableError')
    equal(res.headers.get(OFFLINE_COPY_HEADER), null)
  })
})
