/**
 * Visits served: the host reports a visit when a peer was sent a hosted site's manifest (the
 * start of a visit), once per manifest sent, with the peer that asked; the site's other blocks
 * and blocks not served are no visit.
 */
import type { Libp2p } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { decodeManifest } from '../../src/core/content/index.ts'
import { createRouteClient } from '../../src/net/route/index.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { NameTable } from './hosting-support.ts'
import { tcpNode } from './loopback-node.ts'
import { publishedHost, type PublishedHost } from './published-host.ts'

/** Time for a visit to be reported once the visitor has the manifest, in ms. */
const REPORT_MS = 5_000

describe('a host counts the visits it served', () => {
  const names = new NameTable()
  let source: PublishedHost
  let visitor: Libp2p

  before(async () => {
    source = await publishedHost(names, {
      site: 'counted:code',
      files: [
        { path: '/index.html', content: utf8('<h1>counted</h1>') },
        { path: '/about.html', content: utf8('<p>about</p>') },
      ],
    })
    visitor = await tcpNode()
  })

  after(async () => {
    await source?.stop()
    await visitor?.stop()
  })

  it('one visit per manifest sent, with the asking peer; chunks and refused blocks are none', async () => {
    const client = createRouteClient(visitor)
    const { published, visits } = source
    const addrs = source.node.getMultiaddrs()
    const manifest = await decodeManifest(
      await client.getBlock(addrs, published.root),
      published.root,
    )
    // Reported as the block is answered, through the host's list of sites: not at once.
    await eventually('the first visit reported', () => visits.length > 0, REPORT_MS)
    equal(visits.length, 1)
    deepEqual(visits[0]!.site, 'counted:code')
    ok(visits[0]!.peer.equals(visitor.peerId), 'the visit names the peer that asked')

    for (const entry of Object.values(manifest.files))
      for (const chunk of entry.chunks) await client.getBlock(addrs, chunk as CID)
    const unknown = CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
    await client.getBlock(addrs, unknown).catch(() => undefined)
    await client.getBlock(addrs, published.root)
    await eventually('the second visit reported', () => visits.length > 1, REPORT_MS)
    equal(visits.length, 2, 'a second manifest request is a second visit, chunks are none')
  })
})
