/**
 * Own sites live, with a real relay process and two Node peers (`createNodePeer`) holding the
 * same owner key: a site published in this session is watched at once (not only from the next
 * start), and when the other device publishes a newer version, this device adopts it from the
 * live message alone (no republish, no look-up), so its next republish signs above it.
 */
import { describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { liveTopic } from '../../src/core/records/index.ts'
import { relayWithDevices } from './peer-support.ts'

const PASSPHRASE = 'two devices share one owner key 42'
/** How long a live message may take on a loaded machine here, in ms. */
const LIVE_WAIT_MS = 30_000

describe('own sites live, between two devices of one owner', () => {
  const bench = relayWithDevices('live-own', ['--dev', '--log-level', 'warn'])

  it('watches a site published in this session and adopts the newer version another device publishes', async () => {
    const first = await bench.device()
    const second = await bench.device()
    await second.storage.identity.importOwnerKey(
      await first.storage.identity.exportOwnerKey(PASSPHRASE),
      PASSPHRASE,
    )
    const site = `liveown${Date.now().toString(36)}:test`
    const topic = await liveTopic(site)
    const v1 = await first.publishSite({ site, files: [{ path: '/index.html', content: 'v1' }] })
    ok(v1.accepted >= 1)
    // Watched at once, and the relay follows the topic for it.
    await eventually('the first device to watch its new site', () =>
      first.libp2p.services.live.getTopics().includes(topic),
    )
    await eventually('the relay to follow the topic for the first device', () =>
      first.libp2p.services.live
        .getSubscribers(topic)
        .some((p) => p.toString() === bench.relay.peerId),
    )
    const v2 = await second.publishSite({ site, files: [{ path: '/index.html', content: 'v2' }] })
    ok(v2.record.body.seq > v1.record.body.seq)
    await eventually(
      'the first device to adopt the second device’s version',
      async () => (await first.storage.sites.getPublishedSite(site))?.seq === v2.record.body.seq,
      LIVE_WAIT_MS,
    )
    const adopted = await first.storage.sites.getPublishedSite(site)
    equal(adopted?.root?.toString(), v2.record.body.content?.toString())
    // Its blocks are the first version's, not the adopted content's: not hosted from here.
    equal(adopted?.hosted, false)
    equal((await first.storage.records.getCachedRecord(site))?.seq, v2.record.body.seq)
  })
})
