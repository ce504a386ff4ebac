/**
 * Live updates through three relay processes: B and C watch a site through relays 2 and 3; a
 * new version put into relay 1 alone reaches both (and relays 2 and 3 store it) with nobody
 * asking; a revocation posted to relay 3 reaches the watchers; a relay stopped during an
 * update catches up from the DHT when it is back and passes the version on to its watcher.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { eventually } from '../support/eventually.ts'
import { equals, toHex } from '../../src/core/bytes.ts'
import { createRevocation } from '../../src/core/records/index.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import { startLivePeer, type LivePeer } from './support/live-peer.ts'

describe('live updates through three relays', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const peers: LivePeer[] = []
  let writer: Client
  let b: LivePeer
  let c: LivePeer
  const owner = generateKeyPair()
  const revoker = generateKeyPair()
  const site = uniqueName('live')
  let key: Uint8Array

  const startNth = async (i: number, more: string[] = []): Promise<RelayProcess> => {
    const extra = i === 0 ? [] : ['--bootstrap', relays[0].tcp]
    return startRelay(`${dir}/r${i + 1}`, [...extra, ...more])
  }
  const seesOthers = async (relay: RelayProcess): Promise<unknown> =>
    waitFor(
      `${relay.peerId} to see two relays`,
      async () => ((await getJson(relay, '/health')).peers as number) >= 2,
    )

  before(async () => {
    dir = await tempDir('an-live-relays-')
    for (const i of [1, 2, 3]) {
      await mkdir(`${dir}/r${i}`, { recursive: true })
      await writeFile(`${dir}/r${i}/trusted-revokers`, `${toHex(revoker.publicKey)}\n`)
    }
    relays.push(await startNth(0))
    relays.push(...(await Promise.all([1, 2].map((i) => startNth(i)))))
    for (const relay of relays) await seesOthers(relay)
    key = await dhtKey(site)
    writer = await createClient({ relays: [relays[0].tcp] })
    // Version 1 is in the DHT before anyone watches.
    assert.ok(await putDirect(writer, relays[0].peerId, key, await rootRecord(site, owner)))
    const opts = { revokers: [revoker.publicKey] }
    b = await startLivePeer(`${dir}/b`, { ...opts, dial: [relays[1].tcp] })
    c = await startLivePeer(`${dir}/c`, { ...opts, dial: [relays[2].tcp] })
    peers.push(b, c)
    for (const peer of [b, c]) await peer.live.watch(site)
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await writer?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  const hasSeq = (peer: LivePeer, seq: number): boolean =>
    peer.records.some((r) => r.record.body.seq === seq)

  it('takes a version put into one relay to watchers behind the two others', async () => {
    // Each relay follows the topic once its watcher subscribed.
    for (const [relay, peer] of [
      [relays[1], b],
      [relays[2], c],
    ] as const) {
      await eventually(`${relay.peerId} to follow the topic`, () =>
        peer.gossip
          .getSubscribers([...peer.gossip.getTopics()][0])
          .some((p) => p.toString() === relay.peerId),
      )
    }
    const v2 = await rootRecord(site, owner, { seq: 2 })
    assert.ok(await putDirect(writer, relays[0].peerId, key, v2))
    await eventually('B to get version 2', () => hasSeq(b, 2), 20_000)
    await eventually('C to get version 2', () => hasSeq(c, 2), 20_000)
    assert.equal((await b.storage.records.getCachedRecord(site))?.seq, 2)
    // The relays behind the watchers stored it from the live message.
    for (const relay of relays.slice(1)) {
      const stored = await getDirect(writer, relay.peerId, key)
      assert.ok(stored !== undefined && equals(stored, v2), `${relay.peerId} lacks version 2`)
    }
  })

  it('brings a version a stopped relay missed to its watcher when it is back', async () => {
    const port = /\/tcp\/(\d+)\//.exec(relays[2].tcp)![1]
    await relays[2].stop()
    const v3 = await rootRecord(site, owner, { seq: 3 })
    assert.ok(await putDirect(writer, relays[0].peerId, key, v3))
    await eventually('B to get version 3', () => hasSeq(b, 3), 20_000)
    assert.ok(!hasSeq(c, 3), 'C got version 3 with its relay down')
    // Back on its address, where C's node dials it again.
    relays[2] = await startNth(2, ['--tcp-port', port])
    await seesOthers(relays[2])
    await eventually('C to reach its relay again', async () => {
      await c.node.dial(multiaddr(relays[2].tcp))
      return true
    })
    // The relay follows C's topic, asks the DHT, stores version 3 and passes it on.
    await eventually('C to get version 3 from its restarted relay', () => hasSeq(c, 3), 30_000)
    const stored = await getDirect(writer, relays[2].peerId, key)
    assert.ok(stored !== undefined && equals(stored, v3), 'the restarted relay lacks version 3')
  })

  it('takes a revocation posted to one relay to the watchers', async () => {
    const revocation = await createRevocation({ name: site }, revoker)
    const res = await fetch(`${relays[2].http}/revoke`, {
      method: 'POST',
      body: revocation.bytes as Uint8Array<ArrayBuffer>,
    })
    assert.equal(res.status, 200)
    for (const peer of [b, c])
      await eventually(`${peer.node.peerId} to get the revocation`, () =>
        peer.revocations.some((r) => r.site === site),
      )
  })
})
