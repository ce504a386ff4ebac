/**
 * A browser peer that has not viewed any site yet watches a site it publishes from the moment it
 * is published (in a real browser, against the test relays): its GossipSub node subscribes to
 * the site's live topic, so another device's newer version reaches it in this session.
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { createAlternetPeer, type BrowserPeer } from '../../src/net/index.ts'
import { liveTopic } from '../../src/core/records/index.ts'
import { deleteAlternetStorage } from '../../src/storage/index.ts'
import { testRelays } from '../support/test-relays.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const tag = Math.random().toString(36).slice(2, 8)

describe('a browser peer watches what it publishes', () => {
  const storageName = `live-own-${tag}`
  let peer: BrowserPeer

  before(async () => {
    const relays = (await testRelays()).map((r) => r.http)
    peer = await createAlternetPeer({
      storageName,
      relays,
      dev: DEV,
      rtcConfiguration: { iceServers: [] },
    })
  })

  after(async () => {
    await peer?.stop()
    peer?.storage.close()
    await deleteAlternetStorage(storageName)
  })

  it('subscribes to the live topic of a site published before any site was viewed', async () => {
    const site = `liveown${tag}:code`
    const topic = await liveTopic(site)
    assert.ok(!peer.libp2p.services.live.getTopics().includes(topic))
    await peer.publishSite({ site, files: [{ path: '/index.html', content: '<h1>mine</h1>' }] })
    await eventually('the peer to watch its new site', () =>
      peer.libp2p.services.live.getTopics().includes(topic),
    )
  })
})
