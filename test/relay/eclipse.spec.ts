/**
 * An eclipse of one name's key neighbourhood: Sybil servers outnumber the honest relays that
 * hold the name, each answering with a rival of another key back-dated 47 h. Real relay
 * processes (one honest; two standing in for Sybil servers: their look-ups end at once, so
 * they keep the rival the honest relays refuse) and Node peers as visitors. What the product
 * guarantees, and what it does not:
 * - a visitor that has seen the name before (its holder pinned) keeps the holder's record and
 *   its newer versions as long as one honest server answers;
 * - a first-time visitor is not given a silent answer: the lookup reports that the servers
 *   disagree and names the real holder among them (the majority of servers decides which record
 *   it shows, so a Sybil majority wins that choice; see docs/PROTOCOL.md, "Selection");
 * - the honest relays never take the rival, whoever offers it.
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals, toHex } from '../../src/core/bytes.ts'
import { decodeRecord } from '../../src/core/records/index.ts'
import { createNodePeer, type NodePeer } from '../../src/node/create-node-peer.ts'
import { releaseWebRTC } from '../../src/node/release-webrtc.ts'
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

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const FLAGS = ['--dev', '--log-level', 'warn']
/** Sybil servers around the name: more than the honest relay (kept small: each is a process). */
const SYBILS = 2
const HOUR = 3_600_000

describe('an eclipse of a name by Sybil servers (relays)', () => {
  let dir: string
  const honest: RelayProcess[] = []
  const sybils: RelayProcess[] = []
  const peers: NodePeer[] = []
  let client: Client
  const owner = generateKeyPair()
  const rogue = generateKeyPair()
  const site = uniqueName('eclipsed')
  let key: Uint8Array
  let visitor: NodePeer

  const all = (): RelayProcess[] => [...honest, ...sybils]
  const peer = async (): Promise<NodePeer> => {
    const started = await createNodePeer({
      dataDir: `${dir}/peer-${peers.length}`,
      relays: all().map((r) => r.http),
      dev: DEV,
    })
    peers.push(started)
    return started
  }

  before(async () => {
    dir = await tempDir()
    key = await dhtKey(site)
    honest.push(await startRelay(`${dir}/h0`, FLAGS))
    for (let i = 0; i < SYBILS; i++)
      sybils.push(
        await startRelay(`${dir}/s${i}`, [
          ...FLAGS,
          '--bootstrap',
          honest[0].tcp,
          '--root-lookup-timeout',
          '1',
        ]),
      )
    await waitFor(
      'every relay to know the others',
      async () => {
        for (const r of all())
          if (((await getJson(r, '/health')).peers as number) < all().length - 1) return false
        return true
      },
      60_000,
    )
    client = await createClient({ relays: all().map((r) => r.tcp) })
    const real = await rootRecord(site, owner, { created: Date.now() - 1000 })
    for (const r of honest) assert.ok(await putDirect(client, r.peerId, key, real))
    // The visitor sees the name once before the eclipse: its holder is pinned.
    visitor = await peer()
    const first = await visitor.resolve(site)
    assert.equal(toHex(first.record.holder), toHex(owner.publicKey))
    const now = Date.now()
    const rival = await rootRecord(site, rogue, {
      created: now - 47 * HOUR,
      expires: now + HOUR,
    })
    for (const r of sybils) assert.ok(await putDirect(client, r.peerId, key, rival))
  })

  after(async () => {
    await Promise.all(
      peers.map(async (p) => {
        await p.stop()
        await p.storage.closed()
      }),
    )
    await client?.stop()
    await Promise.all(all().map((r) => r.stop()))
    await removeDir(dir)
    await releaseWebRTC()
  })

  it('a visitor that knows the holder keeps its record and its newer versions', async () => {
    const again = await visitor.resolve(site, { fresh: true })
    assert.equal(toHex(again.record.holder), toHex(owner.publicKey))
    const newer = await rootRecord(site, owner, { seq: 2, created: Date.now() })
    for (const r of honest) assert.ok(await putDirect(client, r.peerId, key, newer))
    const updated = await visitor.resolve(site, { fresh: true })
    assert.equal(toHex(updated.record.holder), toHex(owner.publicKey))
    assert.equal(updated.record.body.seq, 2)
  })

  it('a first-time visitor is told the servers disagree, the real holder among them', async () => {
    const stranger = await peer()
    const resolved = await stranger.naming.resolve(site, { fresh: true })
    assert.ok(resolved.conflict !== undefined, 'the disagreement was not reported')
    const holders = resolved.conflict.holders.map((h) => toHex(h.holder))
    assert.ok(holders.includes(toHex(owner.publicKey)), JSON.stringify(holders))
    assert.ok(holders.includes(toHex(rogue.publicKey)), JSON.stringify(holders))
  })

  it('the honest relays keep the holder’s record, whoever offers the rival', async () => {
    const now = Date.now()
    const rival = await rootRecord(site, rogue, {
      seq: 5,
      created: now - 47 * HOUR,
      expires: now + HOUR,
    })
    for (const r of honest) {
      assert.equal(await putDirect(client, r.peerId, key, rival), false)
      const held = await getDirect(client, r.peerId, key)
      assert.ok(held !== undefined, 'an honest relay lost the record')
      assert.ok(equals(decodeRecord(held).holder, owner.publicKey))
    }
  })
})
