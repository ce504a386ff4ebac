/**
 * A node tells a new neighbour of every topic it follows, however many: GossipSub sends all of
 * them at once when a neighbour connects, and a neighbour drops a frame over
 * `MAX_LIVE_RPC_BYTES`. Between real libp2p nodes over TCP, a node subscribed to more topics than
 * one frame can name (as a relay following its visitors' sites is) is seen subscribed to each of
 * them by a node that connects afterwards.
 */
import { describe, it, before, after } from '../support/spec.ts'
import { eventually } from '../support/eventually.ts'
import { liveTopic } from '../../src/core/records/index.ts'
import { MAX_LIVE_RPC_BYTES } from '../../src/net/live/index.ts'
import { RELAY_TOPIC_BUDGET_BYTES } from '../../relay-node/src/live/constants.ts'
import { uniqueName } from '../relay/support/records.ts'
import { removeDir, tempDir } from '../relay/support/relay-process.ts'
import { startLivePeer, type LivePeer } from '../relay/support/live-peer.ts'

/** Topics followed: a fifth more than one frame can name (a subscription takes ~70 bytes). */
const TOPICS = Math.ceil((1.2 * MAX_LIVE_RPC_BYTES) / 70)

describe('subscriptions to more topics than fit one frame', () => {
  let dir: string
  const peers: LivePeer[] = []
  const topics: string[] = []
  let follower: LivePeer

  before(async () => {
    dir = await tempDir('an-live-frames-')
    const site = uniqueName('liveframes')
    for (let i = 0; i < TOPICS; i++) topics.push(await liveTopic(`${site}-${i}`))
    follower = await startLivePeer(`${dir}/follower`, {
      topicBudgetBytes: RELAY_TOPIC_BUDGET_BYTES,
    })
    peers.push(follower)
    for (const topic of topics) follower.gossip.subscribe(topic)
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await removeDir(dir)
  })

  it('reach a node that connects afterwards, every one of them', async () => {
    const newcomer = await startLivePeer(`${dir}/newcomer`, {
      dial: [follower.addr],
      topicBudgetBytes: RELAY_TOPIC_BUDGET_BYTES,
    })
    peers.push(newcomer)
    await eventually(`the newcomer to hear of all ${TOPICS} topics`, () =>
      topics.every((t) =>
        newcomer.gossip.getSubscribers(t).some((p) => p.equals(follower.node.peerId)),
      ),
    )
  })
})
