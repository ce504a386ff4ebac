/**
 * Thousands of `/an/route/1.0.0` streams from one hostile connection, between real libp2p nodes
 * over TCP: opened all at once and held, the host keeps at most its per-connection cap of them
 * and answers an honest visitor meanwhile; opened and dropped in turn, every one of them leaves
 * nothing behind (no slot, no stream), and the host still serves the attacker's next request.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import {
  DEFAULT_INBOUND_STREAM_HEADROOM,
  DEFAULT_MAX_STREAMS_PER_PEER,
  createRouteClient,
  type RouteServer,
} from '../../src/net/route/index.ts'
import { equal, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import {
  bounded,
  firstStatus,
  halfOpenRequest,
  hostRouteStreams,
  pattern,
} from './route-attack-support.ts'
import { tcpNode } from './loopback-node.ts'
import { serveSite, siteBlocks } from './route-host-support.ts'

const SITE = 'mysite:code'
/** Streams the attacker opens at once, and opens and drops in turn. */
const THOUSANDS = 2_000
/** Route streams one connection may hold: the per-peer limit and the headroom for statuses. */
const CAP = DEFAULT_MAX_STREAMS_PER_PEER + DEFAULT_INBOUND_STREAM_HEADROOM

/** The attacker's muxer lets it open as many streams as it likes. */
const node = (): Promise<Libp2p> =>
  tcpNode({ maxInboundStreams: 10_000, maxOutboundStreams: 10_000 })

/** Streams of every protocol `host` holds open on its connections to `peer`. */
function openStreams(host: Libp2p, peer: Libp2p): number {
  return host
    .getConnections(peer.peerId)
    .reduce((n, c) => n + c.streams.filter((s) => s.status === 'open').length, 0)
}

describe('a route host facing thousands of streams from one connection', () => {
  let host: Libp2p
  let attacker: Libp2p
  let visitor: Libp2p
  let server: RouteServer
  let root: CID

  before(async () => {
    const site = await siteBlocks([
      { path: '/index.html', content: utf8('<h1>home</h1>') },
      // Far over a yamux stream window: a response nobody reads stalls and holds its slot.
      { path: '/big.bin', content: pattern(16 * CHUNK_SIZE) },
    ])
    root = site.root
    ;[host, attacker, visitor] = await Promise.all([node(), node(), node()])
    server = await serveSite(host, SITE, site)
    await attacker.dial(host.getMultiaddrs())
    await visitor.dial(host.getMultiaddrs())
  })

  after(async () => {
    await server?.stop()
    await Promise.all([host?.stop(), attacker?.stop(), visitor?.stop()])
  })

  it('holds at most its cap of thousands opened at once, and serves an honest visitor meanwhile', () =>
    bounded(async () => {
      let peak = 0
      const sample = setInterval(() => {
        peak = Math.max(peak, hostRouteStreams(host, attacker.peerId).count)
      }, 5)
      const opened = await Promise.allSettled(
        Array.from({ length: THOUSANDS }, () =>
          halfOpenRequest(attacker, host.peerId, { kind: 'get', site: SITE, path: '/big.bin' }),
        ),
      )
      const streams = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
      try {
        const statuses = await Promise.all(streams.map((s) => firstStatus(s).catch(() => 0)))
        clearInterval(sample)
        peak = Math.max(peak, hostRouteStreams(host, attacker.peerId).count)
        ok(peak <= CAP, `the host held ${peak} route streams from one connection at once`)
        ok(
          statuses.filter((s) => s === 200).length <= DEFAULT_MAX_STREAMS_PER_PEER,
          'no more responses under way than the per-peer limit',
        )
        ok(server.active <= DEFAULT_MAX_STREAMS_PER_PEER, `${server.active} requests in progress`)
        // While the attacker still holds its streams.
        const client = createRouteClient(visitor)
        const res = await client.request(host.peerId, { kind: 'get', site: SITE, root, path: '/' })
        equal(res.status, 200)
        equal(await new Response(res.body).text(), '<h1>home</h1>')
      } finally {
        clearInterval(sample)
        for (const stream of streams) stream.abort(new Error('attack over'))
      }
    }, 240_000))

  it('keeps nothing of thousands of streams opened and dropped in turn', () =>
    bounded(async () => {
      const inTurn = 50
      for (let done = 0; done < THOUSANDS; done += inTurn) {
        const opened = await Promise.allSettled(
          Array.from({ length: inTurn }, () =>
            halfOpenRequest(attacker, host.peerId, { kind: 'get', site: SITE, path: '/big.bin' }),
          ),
        )
        for (const o of opened) if (o.status === 'fulfilled') dropped(o.value)
      }
      // Every slot comes back and the host's side of every stream ends: nothing is leaked.
      await until(() => server.active === 0 && openStreams(host, attacker) === 0)
      const client = createRouteClient(attacker)
      const res = await client.request(host.peerId, { kind: 'get', site: SITE, root, path: '/' })
      equal(res.status, 200)
      equal(await new Response(res.body).text(), '<h1>home</h1>')
    }, 240_000))
})

/** Drops `stream` the way a hostile peer would: a reset, without reading what came. */
function dropped(stream: Stream): void {
  stream.abort(new Error('dropped'))
}

/** Resolves once `check` holds, polling (bounded by the spec's own bound). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50))
}
