/**
 * Live updates between real libp2p nodes over TCP: a hub H between senders and a watcher W. A
 * newer record passes H and reaches W; a forged, rolled-back (replayed older), oversized or
 * malformed message, or one on the wrong topic, is rejected by H, never forwarded to W, and
 * takes its sender's GossipSub score below zero.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { createRecord, encodeLiveMessage, liveTopic } from '../../src/core/records/index.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { forgedRecord, rootRecord, uniqueName } from '../relay/support/records.ts'
import { removeDir, tempDir } from '../relay/support/relay-process.ts'
import { startLivePeer, type LivePeer } from '../relay/support/live-peer.ts'

/** Waits until `from` knows `to` is subscribed to `topic` (so a publish reaches it). */
async function knowsSubscribed(from: LivePeer, to: LivePeer, topic: string): Promise<void> {
  await eventually(`${to.node.peerId} subscribed to ${topic} as seen by ${from.node.peerId}`, () =>
    from.gossip.getSubscribers(topic).some((p) => p.equals(to.node.peerId)),
  )
}

describe('live messages between libp2p nodes', () => {
  let dir: string
  const peers: LivePeer[] = []
  let hub: LivePeer
  let watcher: LivePeer
  const owner = generateKeyPair()
  const site = uniqueName('live')
  let topic: string

  const start = async (name: string, dial: string[] = []): Promise<LivePeer> => {
    const peer = await startLivePeer(`${dir}/${name}`, { dial })
    peers.push(peer)
    return peer
  }

  /** A sender connected to the hub only, which knows the hub wants `topic`. */
  const sender = async (name: string): Promise<LivePeer> => {
    const s = await start(name, [hub.addr])
    await knowsSubscribed(s, hub, topic)
    return s
  }

  /** Publishes a newer record from a fresh honest sender and waits for the watcher to take it. */
  const control = async (seq: number): Promise<void> => {
    const honest = await sender(`honest-${seq}`)
    const bytes = await rootRecord(site, owner, { seq })
    await honest.gossip.publish(topic, encodeLiveMessage({ t: 'record', v: bytes }))
    await eventually(`the watcher to take seq ${seq}`, () =>
      watcher.records.some((r) => r.record.body.seq === seq),
    )
  }

  before(async () => {
    dir = await tempDir('an-live-')
    topic = await liveTopic(site)
    hub = await start('hub')
    watcher = await start('watcher', [hub.addr])
    await hub.live.watch(site)
    await watcher.live.watch(site)
    await knowsSubscribed(hub, watcher, topic)
    await eventually('the watcher in the hub mesh', () =>
      hub.router.getMeshPeers(topic).includes(watcher.node.peerId.toString()),
    )
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await removeDir(dir)
  })

  it('passes a newer record on to the watcher, which caches it', async () => {
    await control(2)
    const cached = await watcher.storage.records.getCachedRecord(site)
    assert.equal(cached?.seq, 2)
    assert.ok(hub.judged.some((j) => j.verdict === 'accept' && j.reason === 'newer'))
  })

  const attacks: Array<[string, string, () => Promise<Uint8Array>]> = [
    [
      'a forged record',
      'forged',
      async () => encodeLiveMessage({ t: 'record', v: await forgedRecord(site, owner) }),
    ],
    [
      'a replay of an older record (rollback)',
      'rollback',
      async () => encodeLiveMessage({ t: 'record', v: await rootRecord(site, owner, { seq: 1 }) }),
    ],
    [
      'an oversized message',
      'oversized',
      async () => encodeLiveMessage({ t: 'record', v: new Uint8Array(12_000) }),
    ],
    ['bytes that are not a live message', 'malformed', async () => new TextEncoder().encode('hi')],
    [
      "another site's record on this site's topic",
      'wrong-topic',
      async () =>
        encodeLiveMessage({
          t: 'record',
          v: (await createRecord({ type: 'root', name: uniqueName('other'), seq: 9 }, owner)).bytes,
        }),
    ],
  ]

  for (const [what, reason, message] of attacks) {
    it(`rejects ${what}, does not forward it and scores its sender down`, async () => {
      const attacker = await sender(`attacker-${reason}`)
      const data = await message()
      await attacker.gossip.publish(topic, data)
      const from = attacker.node.peerId.toString()
      const judged = await eventually(`the hub to judge the ${reason} message`, () =>
        hub.judged.find((j) => j.from === from),
      )
      assert.equal(judged.verdict, 'reject')
      assert.equal(judged.reason, reason)
      const score = await eventually(`the ${reason} sender scored below zero`, () => {
        const s = hub.router.getScore(from)
        return s < 0 ? s : undefined
      })
      assert.ok(
        score <= -80,
        `score ${score}: one invalid message takes a sender past the graylist`,
      )
      // A later honest message reaches the watcher; the bad one never did.
      await control(3 + attacks.findIndex(([, r]) => r === reason))
      assert.equal(
        watcher.judged.filter((j) => j.verdict === 'reject').length,
        0,
        'the watcher received a message the hub should have dropped',
      )
    })
  }
})
