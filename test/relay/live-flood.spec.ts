/**
 * A flood does not starve others' live updates, with a real relay process H that groups sources
 * by single address (/32) and Node peers dialling it from different loopback addresses: three
 * fresh peer IDs from one address flood malformed messages on their own sites' topics, and a
 * fourth peer floods malformed messages on the watched site's topic, while an honest peer from
 * another address sends a new version of the watched site. (Malformed, since the rates are
 * checked first and a rejection is cheap: the relay reads the flood as fast as it comes however
 * loaded it is.) The version reaches the watcher; the relay rejected (scored down) the
 * malformed messages; once graylisted, every flooder that kept sending was cut off: hung up on,
 * and refused when it dials again, while the honest peers stay connected. The address of the
 * three cut-off flooders is refused for a while, even to a fresh peer ID; the address of the
 * fourth one is not. Each flooder sends until it is cut off, at most a fixed number of messages.
 */
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { encodeLiveMessage, liveTopic } from '../../src/core/records/index.ts'
import { generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'
import { startLivePeer, type LivePeer } from './support/live-peer.ts'

/** Fresh peer IDs sharing the flooders' address. */
const SYBILS = 3
/**
 * Messages each flooder sends at most: its burst (60), then up to 128 frames GossipSub takes
 * before it looks at the score again (graylisted by its first rejected message), and the 60
 * frames a graylisted neighbour may still send, with room to spare.
 */
const SYBIL_FLOOD = 900
/** Malformed messages the fourth flooder sends at most on the watched site's topic. */
const INVALID_FLOOD = 900
/** Messages a flooder sends before it waits `FLOOD_PAUSE_MS` (about 1000 a second). */
const FLOOD_TICK = 20
const FLOOD_PAUSE_MS = 20
const FLOOD_ADDRESS = '127.0.0.3'
const HONEST_ADDRESS = '127.0.0.2'
const INVALID_ADDRESS = '127.0.0.4'

describe('a live flood beside an honest update', () => {
  let dir: string
  let h: RelayProcess
  const peers: LivePeer[] = []
  let watcher: LivePeer
  let honest: LivePeer
  let invalid: LivePeer
  const sybils: LivePeer[] = []
  const owner = generateKeyPair()
  const site = uniqueName('liveflood')
  let topic: string

  const start = async (name: string, localAddress?: string): Promise<LivePeer> => {
    const peer = await startLivePeer(`${dir}/${name}`, {
      dial: [h.tcp],
      ...(localAddress === undefined ? {} : { localAddress }),
    })
    peers.push(peer)
    return peer
  }
  /** Waits until `peer` knows H follows `t`, so what it publishes there reaches H. */
  const knowsHFollows = (peer: LivePeer, t: string): Promise<unknown> =>
    eventually(`${peer.node.peerId} to see H follow ${t}`, () =>
      peer.gossip.getSubscribers(t).some((p) => p.toString() === h.peerId),
    )
  const metric = async (verdict: string, reason: string): Promise<number> =>
    metricValue(
      await (await fetch(`${h.http}/metrics`)).text(),
      `alternet_relay_live_messages_total{verdict="${verdict}",reason="${reason}"}`,
    )
  const connectedToH = (peer: LivePeer): boolean =>
    peer.node.getConnections(peerIdFromString(h.peerId)).length > 0
  /** Sends `messages` on `t` in ticks, until H hangs up on `peer` or they are all sent. */
  const flood = async (peer: LivePeer, t: string, messages: Uint8Array[]): Promise<void> => {
    for (let i = 0; i < messages.length && connectedToH(peer); i++) {
      await peer.gossip.publish(t, messages[i]).catch(() => undefined)
      if (i % FLOOD_TICK === FLOOD_TICK - 1) await new Promise((r) => setTimeout(r, FLOOD_PAUSE_MS))
    }
  }

  before(async () => {
    dir = await tempDir('an-live-flood-')
    h = await startRelay(`${dir}/h`, ['--source-prefix-v4', '32'])
    topic = await liveTopic(site)
    watcher = await start('watcher')
    await watcher.live.watch(site)
    honest = await start('honest', HONEST_ADDRESS)
    invalid = await start('invalid', INVALID_ADDRESS)
    for (const peer of [honest, invalid]) await knowsHFollows(peer, topic)
    for (let i = 0; i < SYBILS; i++) {
      const sybil = await start(`sybil-${i}`, FLOOD_ADDRESS)
      await sybil.live.watch(`${site}-own${i}`)
      await knowsHFollows(sybil, await liveTopic(`${site}-own${i}`))
      sybils.push(sybil)
    }
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await h?.stop()
    await removeDir(dir)
  })

  it('takes the honest version to the watcher and rejects the flood', async () => {
    // Malformed: the rates are checked before anything else, and a rejection is cheap to
    // judge, so the relay reads the flood as fast as it comes however loaded it is.
    const garbageOn = async (t: string, n: number) => ({
      topic: t,
      records: Array.from({ length: n }, () =>
        encodeLiveMessage({ t: 'record', v: new Uint8Array(randomBytes(200)) }),
      ),
    })
    const floods = await Promise.all(
      sybils.map(async (_, i) => garbageOn(await liveTopic(`${site}-own${i}`), SYBIL_FLOOD)),
    )
    const garbage = (await garbageOn(topic, INVALID_FLOOD)).records
    const update = encodeLiveMessage({ t: 'record', v: await rootRecord(site, owner, { seq: 2 }) })

    const flooding = Promise.all([
      ...sybils.map(async (sybil, i) => flood(sybil, floods[i].topic, floods[i].records)),
      flood(invalid, topic, garbage),
    ])
    await honest.gossip.publish(topic, update)
    await flooding
    await eventually('the watcher to get the honest version', () =>
      watcher.records.some((r) => r.record.body.seq === 2),
    )

    // The malformed messages were rejected (the rates: live-rates.spec.ts).
    assert.ok((await metric('reject', 'malformed')) > 0, 'malformed messages were rejected')
    assert.equal(await metric('accept', 'newer'), 1, 'a record besides the honest one was taken')
    // The watcher saw nothing of the flood: the malformed messages were not forwarded.
    assert.ok(
      watcher.judged.every((j) => j.verdict !== 'reject'),
      'a rejected message reached W',
    )
  })

  it('cuts off every flooder and refuses it when it dials again', async () => {
    // Runs after the flood above. A flooder whose messages all went out before H's scores
    // caught up (a loaded machine) keeps sending until H hangs up, as a flooder would.
    const flooders = [
      ...sybils.map(async (sybil, i) => ({ peer: sybil, t: await liveTopic(`${site}-own${i}`) })),
      (async () => ({ peer: invalid, t: topic }))(),
    ]
    for (const { peer, t } of await Promise.all(flooders))
      await eventually(`H to hang up on ${peer.node.peerId}`, async () => {
        if (!connectedToH(peer)) return true
        for (let i = 0; i < FLOOD_TICK; i++)
          await peer.gossip
            .publish(t, encodeLiveMessage({ t: 'record', v: new Uint8Array(randomBytes(200)) }))
            .catch(() => undefined)
        return false
      })
    const cutOff = async (of: string): Promise<number> =>
      metricValue(
        await (await fetch(`${h.http}/metrics`)).text(),
        `alternet_relay_live_cut_offs_total{of="${of}"}`,
      )
    const neighbours = await cutOff('neighbour')
    assert.ok(neighbours >= SYBILS + 1, `${neighbours} neighbours cut off`)
    // H refuses them once their connection is encrypted: the dial may fail or close at once.
    for (const flooder of [sybils[0], invalid]) {
      await flooder.node.dial(multiaddr(h.tcp)).catch(() => undefined)
      await eventually(`H to refuse ${flooder.node.peerId}`, () => !connectedToH(flooder))
    }
    // The honest peers were not cut off.
    assert.ok(connectedToH(honest) && connectedToH(watcher), 'an honest peer was cut off')
  })

  it('refuses fresh peer IDs from an address whose flooders it cut off, not from others', async () => {
    // Three flooders cut off from FLOOD_ADDRESS: the block is refused for a while.
    assert.equal(
      metricValue(
        await (await fetch(`${h.http}/metrics`)).text(),
        'alternet_relay_live_cut_offs_total{of="source"}',
      ),
      1,
    )
    const unconnected = async (name: string, localAddress: string): Promise<LivePeer> => {
      const peer = await startLivePeer(`${dir}/${name}`, { localAddress })
      peers.push(peer)
      return peer
    }
    const fresh = await unconnected('sybil-fresh', FLOOD_ADDRESS)
    await assert.rejects(fresh.node.dial(multiaddr(h.tcp)))
    // One flooder cut off from INVALID_ADDRESS: a fresh peer ID from there still gets in.
    const another = await unconnected('invalid-fresh', INVALID_ADDRESS)
    await another.node.dial(multiaddr(h.tcp))
    assert.ok(connectedToH(another), 'a fresh peer from a once-struck address was refused')
  })
})
