import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, addFiles } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import {
  ROUTE_PROTOCOL,
  createRouteClient,
  createRouteServer,
  encodeRequest,
  lengthPrefixed,
  type RouteServerInit,
} from '../../src/net/route/index.ts'
import { equal, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { bounded, firstStatus, pattern } from './route-attack-support.ts'

const SITE = 'mysite:code'

/** Stream window of the drip-reader: one fixed window, as a hostile client would keep it. */
const DRIP_WINDOW = 256 * 1024

async function node(listen = ['/ip4/127.0.0.1/tcp/0'], window?: number): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [
      yamux(
        window === undefined
          ? {}
          : { streamOptions: { initialStreamWindowSize: window, maxStreamWindowSize: window } },
      ),
    ],
    // Every peer here dials from 127.0.0.1 at once: above libp2p's default of 5 a second.
    connectionManager: { inboundConnectionThreshold: 100, maxIncomingPendingConnections: 100 },
  })
}

/** Asks for `path` and reads only the response header: the response then stalls, holding its slot. */
async function stalled(
  from: Libp2p,
  to: PeerId,
  path: string,
): Promise<{ stream: Stream; status: number }> {
  const stream = await from.dialProtocol(to, ROUTE_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
  const header = firstStatus(stream)
  stream.send(lengthPrefixed(encodeRequest({ kind: 'get', site: SITE, path })))
  await stream.close()
  return { stream, status: await header }
}

describe('route slots under drip-reading and many peer IDs', () => {
  let root: CID
  const blocks = new Map<string, Uint8Array>()
  const getBlock: RouteServerInit['getBlock'] = async (cid) => blocks.get(cid.toString())
  const nodes: Libp2p[] = []

  before(async () => {
    const site = await addFiles(
      [
        { path: '/index.html', content: utf8('<h1>home</h1>') },
        // Far over a yamux stream window: a reader that stops reading stalls the response.
        { path: '/big.bin', content: pattern(16 * CHUNK_SIZE) },
      ],
      { onBlock: (cid, bytes) => void blocks.set(cid.toString(), bytes) },
    )
    blocks.set(site.cid.toString(), site.bytes)
    root = site.cid
  })

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  })

  /** A host on IPv4 and IPv6 loopback, and `attackers` peer IDs on 127.0.0.1. */
  async function setup(
    limits: Partial<RouteServerInit>,
    attackers: number,
  ): Promise<{ host: Libp2p; peers: Libp2p[]; visitor: Libp2p; stop: () => Promise<void> }> {
    const host = await node(['/ip4/127.0.0.1/tcp/0', '/ip6/::1/tcp/0'])
    const server = createRouteServer({ getBlock, sites: () => [{ site: SITE, root }], ...limits })
    await server.start(host)
    const peers = await Promise.all(Array.from({ length: attackers }, () => node([], DRIP_WINDOW)))
    const visitor = await node([])
    nodes.push(host, visitor, ...peers)
    const v4 = host.getMultiaddrs().filter((a) => a.toString().startsWith('/ip4/'))
    const v6 = host.getMultiaddrs().filter((a) => a.toString().startsWith('/ip6/'))
    await Promise.all(peers.map((p) => p.dial(v4)))
    await visitor.dial(v6)
    return { host, peers, visitor, stop: () => server.stop() }
  }

  /** Each attacker holds as many stalled responses as it can; returns the statuses it got. */
  async function fill(
    host: Libp2p,
    peers: Libp2p[],
    perPeer: number,
  ): Promise<{ statuses: number[]; streams: Stream[] }> {
    const results = await Promise.all(
      peers.flatMap((p) =>
        Array.from({ length: perPeer }, () => stalled(p, host.peerId, '/big.bin')),
      ),
    )
    return { statuses: results.map((r) => r.status), streams: results.map((r) => r.stream) }
  }

  async function visitorGetsPage(visitor: Libp2p, host: Libp2p): Promise<void> {
    const client = createRouteClient(visitor)
    const pages = await Promise.all(
      [0, 1].map(async () => {
        const res = await client.request(host.peerId, { kind: 'get', site: SITE, path: '/' })
        const text = await new Response(res.body).text()
        return { status: res.status, reason: res.headers['x-an-reason'], text }
      }),
    )
    for (const page of pages) {
      equal(page.status, 200, `the honest visitor got ${page.status} ${page.reason ?? ''}`)
      equal(page.text, '<h1>home</h1>')
    }
  }

  it('many peer IDs from one address cannot take the slots an honest visitor from another address needs', () =>
    bounded(async () => {
      const { host, peers, visitor, stop } = await setup(
        {
          maxConcurrentStreams: 8,
          maxStreamsPerPeer: 2,
          maxStreamsPerAddress: 4,
          reservedStreams: 2,
        },
        8,
      )
      const { statuses, streams } = await fill(host, peers, 2)
      try {
        await visitorGetsPage(visitor, host)
        equal(statuses.filter((s) => s === 200).length, 4, 'one address holds its limit')
        equal(statuses.filter((s) => s === 429).length, 12)
      } finally {
        for (const stream of streams) stream.abort(new Error('test done'))
        await stop()
      }
    }))

  it('keeps a share of the slots for newcomers when one address may take all the others', () =>
    bounded(async () => {
      const { host, peers, visitor, stop } = await setup(
        {
          maxConcurrentStreams: 8,
          maxStreamsPerPeer: 2,
          maxStreamsPerAddress: 8,
          reservedStreams: 2,
        },
        8,
      )
      const { statuses, streams } = await fill(host, peers, 2)
      try {
        await visitorGetsPage(visitor, host)
        equal(statuses.filter((s) => s === 200).length, 6, 'all but the reserved slots')
        equal(statuses.filter((s) => s === 503).length, 10)
      } finally {
        for (const stream of streams) stream.abort(new Error('test done'))
        await stop()
      }
    }))

  it('resets a response whose reader drips it out slower than the minimum throughput', () =>
    bounded(async () => {
      const { host, peers, stop } = await setup(
        // Only a reader far faster than this one keeps up: it waits 150 ms between reads.
        { minThroughput: 256 * 1024 * 1024, slowPeerGrace: 200, writeTimeout: 10_000 },
        1,
      )
      try {
        const stream = await peers[0].dialProtocol(host.peerId, ROUTE_PROTOCOL)
        const closed = new Promise<void>((resolve) =>
          stream.addEventListener('close', () => resolve(), { once: true }),
        )
        let received = 0
        stream.addEventListener('message', (event) => {
          received += event.data.byteLength
        })
        stream.pause()
        stream.send(lengthPrefixed(encodeRequest({ kind: 'get', site: SITE, path: '/big.bin' })))
        await stream.close()
        // Reads what came now and then, each time well within the write timeout.
        let open = true
        void closed.then(() => {
          open = false
        })
        while (open) {
          // Takes what is buffered and grants the host one more window, no more.
          stream.resume()
          stream.pause()
          await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 150))])
        }
        equal(stream.status, 'reset')
        ok(received > 0 && received < 16 * CHUNK_SIZE, `${received} bytes read before the reset`)
      } finally {
        await stop()
      }
    }))
})
