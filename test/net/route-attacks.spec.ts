import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import {
  DEFAULT_INBOUND_STREAM_HEADROOM,
  DEFAULT_MAX_EARLY_STREAMS,
  DEFAULT_MAX_REQUEST_SIZE,
  DEFAULT_MAX_STREAMS_PER_PEER,
  createRouteClient,
  type RouteServer,
} from '../../src/net/route/index.ts'
import { equal, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import {
  ended,
  floodAfterRequest,
  halfOpenRequest,
  hostRouteStreams,
  bounded,
  firstStatus,
  pattern,
} from './route-attack-support.ts'
import { tcpNode } from './loopback-node.ts'
import { serveSite, siteBlocks } from './route-host-support.ts'

const SITE = 'mysite:code'
/** What the attacker of the issue sent after each request: 3.8 MiB. */
const FLOOD = Math.round(3.8 * 1024 * 1024)

/**
 * As the app's nodes: the attacker opens its streams the moment its dial resolves, before a
 * loaded host has finished its side of the upgrade.
 */
const node = (): Promise<Libp2p> => tcpNode({ maxEarlyStreams: DEFAULT_MAX_EARLY_STREAMS })

describe('a route host under attack on its read side', () => {
  let host: Libp2p
  let attacker: Libp2p
  let server: RouteServer
  let root: CID

  before(async () => {
    const site = await siteBlocks([
      { path: '/index.html', content: utf8('<h1>home</h1>') },
      { path: '/big.bin', content: pattern(16 * CHUNK_SIZE) },
    ])
    root = site.root
    ;[host, attacker] = await Promise.all([node(), node()])
    server = await serveSite(host, SITE, site, { halfClosedTimeout: 300 })
    await attacker.dial(host.getMultiaddrs())
  })

  after(async () => {
    await server?.stop()
    await Promise.all([host?.stop(), attacker?.stop()])
  })

  it('resets every stream that sends bytes after its request: the host buffers none of the 3.8 MiB floods', () =>
    bounded(async () => {
      // At the per-peer limit: every stream reaches the server (more are the cap's spec, below).
      const streams = DEFAULT_MAX_STREAMS_PER_PEER
      const results = await Promise.all(
        Array.from({ length: streams }, () =>
          floodAfterRequest(attacker, host, { kind: 'get', site: SITE, path: '/' }, FLOOD),
        ),
      )
      for (const result of results) {
        equal(result.status, 'reset')
        ok(result.pushed < FLOOD / 4, `${result.pushed} bytes got through before the reset`)
      }
      const peak = Math.max(...results.map((r) => r.peakBuffered))
      ok(
        peak <= streams * 2 * DEFAULT_MAX_REQUEST_SIZE,
        `the host buffered ${peak} bytes at most across its route streams`,
      )
      // And it still answers.
      const client = createRouteClient(attacker)
      const res = await client.request(host.peerId, { kind: 'get', site: SITE, root, path: '/' })
      equal(res.status, 200)
      await res.body.cancel()
    }))

  it('holds at most the per-peer limit plus a few route streams on one connection', () =>
    bounded(async () => {
      const cap = DEFAULT_MAX_STREAMS_PER_PEER + DEFAULT_INBOUND_STREAM_HEADROOM
      const opened = await Promise.allSettled(
        Array.from({ length: 3 * cap }, () =>
          halfOpenRequest(attacker, host.peerId, { kind: 'get', site: SITE, path: '/big.bin' }),
        ),
      )
      const streams = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
      // Every stream either got a status or was reset by the host.
      await Promise.all(streams.map((s) => firstStatus(s).catch(() => 0)))
      const held = hostRouteStreams(host, attacker.peerId).count
      ok(held <= cap, `the host holds ${held} route streams from one connection`)
      for (const stream of streams) stream.abort(new Error('test done'))
    }))

  it('resets a stream whose visitor keeps its side open after the response', () =>
    bounded(async () => {
      const stream = await halfOpenRequest(attacker, host.peerId, {
        kind: 'get',
        site: SITE,
        root,
        path: '/index.html',
      })
      let received = 0
      stream.addEventListener('message', (event) => {
        received += event.data.byteLength
      })
      equal(await ended(stream), 'reset')
      ok(received > 0, 'the response came first')
      equal(server.active, 0)
    }))
})
