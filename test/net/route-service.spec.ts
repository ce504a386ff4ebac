/**
 * The route server as a libp2p service: declared in `createLibp2p({ services })`, it serves
 * `/an/route/1.0.0` once the node starts, and stops answering when the service stops. Real
 * libp2p nodes over TCP.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { CID } from 'multiformats/cid'
import { addFiles } from '../../src/core/content/index.ts'
import { utf8 } from '../../src/core/bytes.ts'
import {
  ROUTE_PROTOCOL,
  createRouteClient,
  routeServer,
  type RouteService,
} from '../../src/net/route/index.ts'
import { deepEqual, equal, ok, rejects } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'

const SITE = 'mysite:code'

/** The options of a TCP node on loopback. */
const onLoopback = {
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
}

describe('the route server as a libp2p service', () => {
  const blocks = new Map<string, Uint8Array>()
  let root: CID
  let host: Libp2p<{ route: RouteService }>
  let visitor: Libp2p

  before(async () => {
    const site = await addFiles([{ path: '/index.html', content: utf8('<h1>served</h1>') }], {
      onBlock: (cid, bytes) => void blocks.set(cid.toString(), bytes),
    })
    blocks.set(site.cid.toString(), site.bytes)
    root = site.cid
    host = await createLibp2p({
      ...onLoopback,
      services: {
        route: routeServer({
          getBlock: async (cid) => blocks.get(cid.toString()),
          sites: () => [{ site: SITE, root }],
        }),
      },
    })
    visitor = await createLibp2p(onLoopback)
  })

  after(async () => {
    await visitor?.stop()
    await host?.stop()
  })

  it('serves the route protocol once the node has started', async () => {
    ok(host.getProtocols().includes(ROUTE_PROTOCOL), 'the handler is registered')
    const client = createRouteClient(visitor)
    const manifest = await client.getManifest(host.getMultiaddrs(), root, {
      signal: AbortSignal.timeout(10_000),
    })
    deepEqual(Object.keys(manifest.files), ['/index.html'])
    equal(host.services.route.server.active, 0)
  })

  it('stops answering when the service stops', async () => {
    await host.services.route.stop()
    ok(!host.getProtocols().includes(ROUTE_PROTOCOL), 'the handler is gone')
    const client = createRouteClient(visitor)
    await rejects(
      client.getManifest(host.getMultiaddrs(), root, { signal: AbortSignal.timeout(10_000) }),
      'HostUnreachableError',
    )
  })
})
