/**
 * A version that lost a race is not a replay, with a real relay process H (sources grouped by
 * single address) and Node peers: H holds version 1, then takes version 3 from a publisher.
 * Racer S, from its own address, then sends version 2, as an honest relay does that took
 * version 2 a moment before version 3 reached it. H ignores it (not forwarded, no blame), and
 * S's next version still reaches the watcher; rejected, S would have been graylisted (-100) and
 * everything it sent after dropped unread. A copy of the held version signed again is ignored
 * too. A replay of a version older than the one H held before is still rejected.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { encodeLiveMessage, liveTopic } from '../../src/core/records/index.ts'
import { createClient, putDirect, type Client } from './support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'
import { startLivePeer, type LivePeer } from './support/live-peer.ts'

const RACER_ADDRESS = '127.0.0.2'
const REPLAYER_ADDRESS = '127.0.0.3'

describe('a version that lost a race', () => {
  let dir: string
  let h: RelayProcess
  let writer: Client
  const peers: LivePeer[] = []
  let watcher: LivePeer
  let racer: LivePeer
  let replayer: LivePeer
  const owner = generateKeyPair()
  const site = uniqueName('liverace')
  let topic: string

  const start = async (name: string, localAddress?: string): Promise<LivePeer> => {
    const peer = await startLivePeer(`${dir}/${name}`, {
      dial: [h.tcp],
      ...(localAddress === undefined ? {} : { localAddress }),
    })
    peers.push(peer)
    return peer
  }
  const metric = async (verdict: string, reason: string): Promise<number> =>
    metricValue(
      await (await fetch(`${h.http}/metrics`)).text(),
      `alternet_relay_live_messages_total{verdict="${verdict}",reason="${reason}"}`,
    )
  const send = async (peer: LivePeer, fields: Parameters<typeof rootRecord>[2]): Promise<void> => {
    const v = await rootRecord(site, owner, fields)
    await peer.gossip.publish(topic, encodeLiveMessage({ t: 'record', v }))
  }
  const watcherHas = (seq: number): boolean =>
    watcher.records.some((r) => r.record.body.seq === seq)

  before(async () => {
    dir = await tempDir('an-live-race-')
    h = await startRelay(`${dir}/h`, ['--source-prefix-v4', '32'])
    topic = await liveTopic(site)
    writer = await createClient({ relays: [h.tcp] })
    const key = await dhtKey(site)
    assert.ok(await putDirect(writer, h.peerId, key, await rootRecord(site, owner)))
    watcher = await start('watcher')
    await watcher.live.watch(site)
    racer = await start('racer', RACER_ADDRESS)
    replayer = await start('replayer', REPLAYER_ADDRESS)
    for (const peer of [racer, replayer])
      await eventually(`${peer.node.peerId} to see H follow the topic`, () =>
        peer.gossip.getSubscribers(topic).some((p) => p.toString() === h.peerId),
      )
    // Version 3 reaches H from its publisher; version 2 is still on its way through the mesh.
    assert.ok(await putDirect(writer, h.peerId, key, await rootRecord(site, owner, { seq: 3 })))
    await eventually('the watcher to get version 3', () => watcherHas(3), 20_000)
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await writer?.stop()
    await h?.stop()
    await removeDir(dir)
  })

  it("ignores the version that lost, and takes its sender's next version", async () => {
    await send(racer, { seq: 2 })
    const judged = async (): Promise<number> =>
      (await metric('ignore', 'lost-race')) + (await metric('reject', 'rollback'))
    await eventually('H to judge version 2', async () => (await judged()) > 0)
    // What the racer sends next is still taken and forwarded.
    await send(racer, { seq: 4 })
    await eventually("the watcher to get the racer's version 4", () => watcherHas(4), 20_000)
    assert.equal(await metric('reject', 'rollback'), 0, 'the lost race was rejected as a replay')
    assert.equal(await metric('ignore', 'lost-race'), 1)
    assert.ok(!watcherHas(2), 'the version that lost reached the watcher')
  })

  it('ignores the held version signed again with an earlier expiry', async () => {
    await send(racer, { seq: 4, expires: Date.now() + 3_600_000 })
    await eventually(
      'H to judge the copy of version 4',
      async () => (await metric('ignore', 'same-version')) > 0,
    )
    assert.equal(await metric('reject', 'rollback'), 0)
  })

  it('rejects a replay of a version older than the one held before', async () => {
    // H holds version 4, and held version 3 before it: version 1 is a replay.
    await send(replayer, { seq: 1 })
    await eventually('H to reject the replay', async () => (await metric('reject', 'rollback')) > 0)
    assert.equal(await metric('ignore', 'lost-race'), 1, 'the replay passed as a lost race')
  })
})
