/**
 * A mirror taking a copy is not a visit: with a real relay process that mirrors every site and
 * a Node peer (`createNodePeer`) that publishes without uploading, the relay pulls the site's
 * manifest and blocks from the peer itself (the only place they are); the peer serves them and
 * counts no visit served. That a visitor's manifest request is counted is
 * test/net/hosting-visits.spec.ts.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, it } from '../support/spec.ts'
import { deepEqual } from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { askMirror } from '../../src/net/mirror/index.ts'
import { relayWithDevices } from './peer-support.ts'

/** How long the relay may take to mirror the site on a loaded machine, in ms. */
const MIRROR_WAIT_MS = 60_000

describe('visits served: a mirror taking a copy is not a visit', () => {
  const bench = relayWithDevices('visits', [
    '--dev',
    '--log-level',
    'warn',
    '--mirror-policy',
    'open',
  ])

  it('counts no visit when the relay pulls the site from the publishing peer', async () => {
    const owner = await bench.device()
    const served: string[] = []
    owner.addEventListener('visit-served', (event) =>
      served.push((event as CustomEvent<{ site: string }>).detail.site),
    )
    const site = `counted${Date.now().toString(36)}:test`
    const files = [
      { path: '/index.html', content: '<h1>counted</h1>' },
      { path: '/big.bin', content: new Uint8Array(600_000).fill(7) },
    ]
    const published = await owner.publishSite({ site, files })
    const relayPeer = peerIdFromString(bench.relay.peerId)
    // The relay's copy comes from the owner: the only place the blocks are.
    await eventually(
      'the relay to hold a complete copy, pulled from the publishing peer',
      async () => {
        const status = await askMirror(owner.libp2p, relayPeer, site).catch(() => undefined)
        return status?.state === 'complete' && status.root === published.root.toString()
      },
      MIRROR_WAIT_MS,
    )
    deepEqual(served, [], 'the relay taking its copy is no visit served')
  })
})
