/**
 * A flood does not starve others' live updates, with a real relay process H that groups sources
 * by single address (/32) and Node peers dialling it from different loopback addresses: three
 * fresh peer IDs from one address flood valid records of their own sites, and a fourth peer floods
 * malformed messages on the watched site's topic, while an honest peer from another address sends
 * a new version of the watched site. The version reaches the watcher; the relay limited the
 * flooders' address block as a whole, each flooder on its own, and rejected (scored down) the
 * malformed messages. Every flood is a fixed number of messages.
 */
import { randomBytes } from 'node:crypto'
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
/** Valid records each of them sends, as fast as it can. */
const VALID_FLOOD = 150
/** Malformed messages the fourth flooder sends on the watched site's topic. */
const INVALID_FLOOD = 200
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

  it('takes the honest version to the watcher and limits the flooders', async () => {
    // Signed before the flood, so the flood is as fast as publishing goes.
    const floods = await Promise.all(
      sybils.map(async (_, i) => {
        const own = generateKeyPair()
        const name = `${site}-own${i}`
        const records: Uint8Array[] = []
        for (let seq = 1; seq <= VALID_FLOOD; seq++)
          records.push(encodeLiveMessage({ t: 'record', v: await rootRecord(name, own, { seq }) }))
        return { topic: await liveTopic(name), records }
      }),
    )
    const garbage = Array.from({ length: INVALID_FLOOD }, () =>
      encodeLiveMessage({ t: 'record', v: new Uint8Array(randomBytes(200)) }),
    )
    const update = encodeLiveMessage({ t: 'record', v: await rootRecord(site, owner, { seq: 2 }) })

    const flooding = Promise.all([
      ...sybils.map(async (sybil, i) => {
        for (const data of floods[i].records)
          await sybil.gossip.publish(floods[i].topic, data).catch(() => undefined)
      }),
      (async () => {
        for (const data of garbage) await invalid.gossip.publish(topic, data).catch(() => undefined)
      })(),
    ])
    await honest.gossip.publish(topic, update)
    await flooding
    await eventually('the watcher to get the honest version', () =>
      watcher.records.some((r) => r.record.body.seq === 2),
    )

    // The flooders' address as a whole, each flooder on its own, and the malformed messages.
    assert.ok((await metric('ignore', 'source-rate')) > 0, 'the flooders’ address was limited')
    assert.ok((await metric('ignore', 'rate')) > 0, 'a flooder was limited')
    assert.ok((await metric('reject', 'malformed')) > 0, 'malformed messages were rejected')
    const accepted = await metric('accept', 'newer')
    assert.ok(accepted < SYBILS * VALID_FLOOD, `${accepted} flood records taken, all of them`)
    // The watcher saw nothing of the flood: the malformed messages were not forwarded.
    assert.ok(
      watcher.judged.every((j) => j.verdict !== 'reject'),
      'a rejected message reached W',
    )
  })
})
