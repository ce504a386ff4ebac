/**
 * A node that reads its neighbours' frames in turn (`readInTurn`, as relays do), between real
 * libp2p nodes over TCP: while its judge holds a flooding neighbour's first message, none of that
 * neighbour's next messages is judged (they wait in the neighbour's own stream), and another
 * neighbour's message is judged and delivered meanwhile; once let go, every flooded message is
 * judged, one at a time.
 */
import { randomBytes } from 'node:crypto'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { liveTopic } from '../../src/core/records/index.ts'
import { judgeEveryTopic } from '../../src/net/live/index.ts'
import { uniqueName } from '../relay/support/records.ts'
import { removeDir, tempDir } from '../relay/support/relay-process.ts'
import { startLivePeer, type LivePeer } from '../relay/support/live-peer.ts'

/** Messages the flooder sends, each 1 KiB: far more than one frame. */
const FLOOD = 200

describe('reading each neighbour in turn', () => {
  let dir: string
  const peers: LivePeer[] = []
  let hub: LivePeer
  let flooder: LivePeer
  let other: LivePeer
  let floodTopic: string
  let otherTopic: string
  /** The hub's judge: flood messages wait until `letGo`; the other topic's pass at once. */
  let judging = 0
  let mostAtOnce = 0
  let judged = 0
  const otherJudged: string[] = []
  let letGo!: () => void
  const held = new Promise<void>((resolve) => (letGo = resolve))

  /** Waits until `peer` knows the hub wants `topic`, so what it publishes there reaches the hub. */
  const knowsHubWants = (peer: LivePeer, topic: string): Promise<unknown> =>
    eventually(`${peer.node.peerId} to see the hub subscribe to ${topic}`, () =>
      peer.gossip.getSubscribers(topic).some((p) => p.equals(hub.node.peerId)),
    )

  before(async () => {
    dir = await tempDir('an-live-turn-')
    floodTopic = await liveTopic(uniqueName('turnflood'))
    otherTopic = await liveTopic(uniqueName('turnother'))
    hub = await startLivePeer(`${dir}/hub`, { readInTurn: true })
    peers.push(hub)
    judgeEveryTopic(hub.gossip, async (from, message) => {
      if (message.topic === otherTopic) {
        otherJudged.push(from.toString())
        return TopicValidatorResult.Accept
      }
      judging++
      mostAtOnce = Math.max(mostAtOnce, judging)
      await held
      judging--
      judged++
      return TopicValidatorResult.Ignore
    })
    hub.gossip.subscribe(floodTopic)
    hub.gossip.subscribe(otherTopic)
    flooder = await startLivePeer(`${dir}/flooder`, { dial: [hub.addr] })
    other = await startLivePeer(`${dir}/other`, { dial: [hub.addr] })
    peers.push(flooder, other)
    await knowsHubWants(flooder, floodTopic)
    await knowsHubWants(other, otherTopic)
  })

  after(async () => {
    letGo()
    await Promise.all(peers.map((p) => p.stop()))
    await removeDir(dir)
  })

  it('judges a flooder’s messages one at a time while others’ pass', async () => {
    for (let i = 0; i < FLOOD; i++)
      await flooder.gossip.publish(floodTopic, new Uint8Array(randomBytes(1024)))
    await eventually('the hub to judge the first flooded message', () => judging > 0)
    // Another neighbour's message is judged while the flooder's first one is held.
    await other.gossip.publish(otherTopic, new Uint8Array(randomBytes(64)))
    await eventually('the hub to judge the other neighbour’s message', () =>
      otherJudged.includes(other.node.peerId.toString()),
    )
    assert.equal(judged, 0)
    letGo()
    await eventually(`the hub to judge all ${FLOOD} flooded messages`, () => judged === FLOOD)
    assert.equal(mostAtOnce, 1, `${mostAtOnce} of one neighbour’s messages judged at once`)
  })
})
