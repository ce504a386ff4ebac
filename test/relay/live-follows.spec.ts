/**
 * One visitor, or one address block's fresh peer IDs, cannot fill a relay's follow cap: a real
 * relay process H (sources grouped by single address) follows 60 topics at most for its
 * neighbours, 20 for one neighbour and 50 for one address. Three Node peers from one address
 * each subscribe to 30 sites: the first two get 20 each, the third the 10 left of its address's
 * share, and the rest are refused and counted. A peer from another address then subscribes to
 * 10 sites, and H follows every one of them.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { liveTopic } from '../../src/core/records/index.ts'
import { uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'
import { startLivePeer, type LivePeer } from './support/live-peer.ts'

const MAX_TOPICS = 60
const PER_PEER = 20
const PER_SOURCE = 50
/** Topics each visitor from the crowded address subscribes to. */
const WANTED = 30
const CROWD_ADDRESS = '127.0.0.3'
const OTHER_ADDRESS = '127.0.0.2'

describe('the topics a relay follows for its neighbours', () => {
  let dir: string
  let h: RelayProcess
  const peers: LivePeer[] = []

  const metrics = async (): Promise<string> => (await fetch(`${h.http}/metrics`)).text()
  const followed = async (): Promise<number> =>
    metricValue(await metrics(), 'alternet_relay_live_topics')
  const refused = async (of: string): Promise<number> =>
    metricValue(await metrics(), `alternet_relay_live_follows_refused_total{of="${of}"}`)
  const refusedInAll = async (): Promise<number> =>
    (await refused('peer')) + (await refused('source')) + (await refused('relay'))

  /** A peer from `localAddress` subscribed to `n` sites of its own, and their topics. */
  const subscriber = async (
    name: string,
    localAddress: string,
    n: number,
  ): Promise<{ peer: LivePeer; topics: string[] }> => {
    const peer = await startLivePeer(`${dir}/${name}`, { dial: [h.tcp], localAddress })
    peers.push(peer)
    const topics = await Promise.all(
      Array.from({ length: n }, async (_, i) => liveTopic(uniqueName(`${name}-${i}`))),
    )
    for (const topic of topics) peer.gossip.subscribe(topic)
    return { peer, topics }
  }
  /** Waits until H has judged `n` more subscriptions (followed or refused) than `before`. */
  const judged = async (before: number, n: number): Promise<void> => {
    await eventually(`H to judge ${n} subscriptions`, async () => {
      const now = (await followed()) + (await refusedInAll())
      return now >= before + n
    })
  }

  before(async () => {
    dir = await tempDir('an-live-follows-')
    h = await startRelay(`${dir}/h`, [
      '--source-prefix-v4',
      '32',
      '--live-max-topics',
      String(MAX_TOPICS),
      '--live-topics-per-peer',
      String(PER_PEER),
      '--live-topics-per-source',
      String(PER_SOURCE),
    ])
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await h?.stop()
    await removeDir(dir)
  })

  it("follows one neighbour's topics up to its share and counts the rest refused", async () => {
    await subscriber('crowd-0', CROWD_ADDRESS, WANTED)
    await judged(0, WANTED)
    assert.equal(await followed(), PER_PEER)
    assert.equal(await refused('peer'), WANTED - PER_PEER)
  })

  it("follows one address block's topics up to its share, whatever its peer IDs", async () => {
    for (const name of ['crowd-1', 'crowd-2']) {
      const before = (await followed()) + (await refusedInAll())
      await subscriber(name, CROWD_ADDRESS, WANTED)
      await judged(before, WANTED)
    }
    assert.equal(await followed(), PER_SOURCE)
    // The second took its 20; the third the 10 left of its address's share.
    assert.equal(await refused('peer'), 2 * (WANTED - PER_PEER))
    assert.equal(await refused('source'), WANTED - (PER_SOURCE - 2 * PER_PEER))
  })

  it('follows every topic of a neighbour from another address', async () => {
    const { peer: other, topics } = await subscriber(
      'other',
      OTHER_ADDRESS,
      MAX_TOPICS - PER_SOURCE,
    )
    for (const topic of topics)
      await eventually(`H to follow ${topic}`, () =>
        other.gossip.getSubscribers(topic).some((p) => p.toString() === h.peerId),
      )
    assert.equal(await followed(), MAX_TOPICS)
    assert.equal(await refused('relay'), 0)
  })
})
