/**
 * An eclipse of one name's key neighbourhood: Sybil servers outnumber the honest relays that
 * hold the name, each answering with a rival of another key back-dated 47 h. Real relay
 * processes (two honest, each in its own address block; three standing in for Sybil servers,
 * all in one block: their look-ups end at once, so they keep the rival the honest relays
 * refuse) and Node peers as visitors. The blocks are loopback /24s (127.0.1.0, 127.0.2.0,
 * 127.0.9.0): each relay listens on its own address and is dialed there. What the product
 * guarantees, and what it does not:
 * - a visitor that has seen the name before (its holder pinned) keeps the holder's record and
 *   its newer versions as long as one honest server answers;
 * - a first-time visitor is told that the servers disagree, and follows the holder more
 *   address blocks returned (one vote per block), not the Sybils' majority of peer IDs;
 * - a relay that joins with an empty store follows the same vote, so it refuses the rival;
 * - the honest relays never take the rival, whoever offers it.
 * Sybils spread over more blocks than the honest servers still win the vote: see
 * docs/PROTOCOL.md, "Counting servers".
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals, toHex } from '../../src/core/bytes.ts'
import { decodeRecord } from '../../src/core/records/index.ts'
import { createNodePeer, type NodePeer } from '../../src/node/create-node-peer.ts'
import { releaseWebRTC } from '../../src/node/release-webrtc.ts'
import {
  SYBIL_FLAGS,
  joined,
  refusals,
  startRelayAt,
  untilAllKnown,
} from './support/address-blocks.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import {
  backDatedRival,
  dhtKey,
  generateKeyPair,
  rootRecord,
  uniqueName,
} from './support/records.ts'
import { removeDir, tempDir, type RelayProcess } from './support/relay-process.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
/** The honest relays' addresses: one loopback /24 each. */
const HONEST_HOSTS = ['127.0.1.1', '127.0.2.1']
/** The Sybil servers' addresses: more peers than the honest relays, all in one /24 (each is a process). */
const SYBIL_HOSTS = ['127.0.9.1', '127.0.9.2', '127.0.9.3']
/** Where the relay that joins late listens. */
const FRESH_HOST = '127.0.3.1'

describe('an eclipse of a name by Sybil servers (relays)', () => {
  let dir: string
  const honest: RelayProcess[] = []
  const sybils: RelayProcess[] = []
  const peers: NodePeer[] = []
  /** Relays started by a test. */
  const lateRelays: RelayProcess[] = []
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
    for (const [i, host] of HONEST_HOSTS.entries())
      honest.push(await startRelayAt(`${dir}/h${i}`, host, honest))
    for (const [i, host] of SYBIL_HOSTS.entries())
      sybils.push(await startRelayAt(`${dir}/s${i}`, host, [honest[0]], SYBIL_FLAGS))
    await untilAllKnown(all())
    client = await createClient({ relays: all().map((r) => r.tcp) })
    const real = await rootRecord(site, owner, { created: Date.now() - 1000 })
    for (const r of honest) assert.ok(await putDirect(client, r.peerId, key, real))
    // The visitor sees the name once before the eclipse: its holder is pinned.
    visitor = await peer()
    const first = await visitor.resolve(site)
    assert.equal(toHex(first.record.holder), toHex(owner.publicKey))
    const rival = await backDatedRival(site, rogue)
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
    await Promise.all([...all(), ...lateRelays].map((r) => r.stop()))
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

  it('a first-time visitor is told the servers disagree, and follows the holder of more address blocks', async () => {
    const stranger = await peer()
    const resolved = await stranger.naming.resolve(site, { fresh: true })
    assert.ok(resolved.conflict !== undefined, 'the disagreement was not reported')
    const holders = resolved.conflict.holders.map((h) => toHex(h.holder))
    assert.ok(holders.includes(toHex(owner.publicKey)), JSON.stringify(holders))
    assert.ok(holders.includes(toHex(rogue.publicKey)), JSON.stringify(holders))
    assert.equal(
      toHex(resolved.record.holder),
      toHex(owner.publicKey),
      'the Sybils of one block outvoted the honest relays',
    )
  })

  it('a relay that joins with an empty store refuses the rival the Sybils of one block hold', async () => {
    const fresh = await startRelayAt(`${dir}/fresh`, FRESH_HOST, all())
    lateRelays.push(fresh)
    await joined(fresh, all(), client)
    const refusedBefore = await refusals(fresh, 'hijack')
    const rival = await backDatedRival(site, rogue, { seq: 7 })
    assert.equal(
      await putDirect(client, fresh.peerId, key, rival),
      false,
      'the fresh relay stored the Sybils’ rival',
    )
    const real = await rootRecord(site, owner, { seq: 3, created: Date.now() })
    assert.ok(await putDirect(client, fresh.peerId, key, real), "the holder's record was refused")
    assert.ok(
      (await refusals(fresh, 'hijack')) >= refusedBefore + 1,
      'the rival was not refused as a hijack',
    )
  })

  it('the honest relays keep the holder’s record, whoever offers the rival', async () => {
    const rival = await backDatedRival(site, rogue, { seq: 5 })
    for (const r of honest) {
      assert.equal(await putDirect(client, r.peerId, key, rival), false)
      const held = await getDirect(client, r.peerId, key)
      assert.ok(held !== undefined, 'an honest relay lost the record')
      assert.ok(equals(decodeRecord(held).holder, owner.publicKey))
    }
  })
})
