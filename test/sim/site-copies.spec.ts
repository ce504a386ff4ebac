/**
 * The simulation's content scenario (bench/sim/site-copies.ts): where copies of a site go as
 * servers come and go, by the relay's own placement rule. A site published through one relay
 * ends on the R placed relays; when a mirror leaves, the next closest pulls a copy; a relay
 * that is no longer placed keeps its copy until a placed relay holds one; Sybils placed as
 * mirrors keep nothing; once every copy is gone the site is lost.
 */
import { describe, it, before } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { dhtKey } from '../../src/core/records/index.ts'
import { closestPeers } from '../../relay-node/src/mirror/placement.ts'
import { SiteCopies, type SimMirror } from '../../bench/sim/site-copies.ts'

describe('simulation: mirrored site copies', () => {
  let key: Uint8Array
  /** Eight servers, closest to the site's key first. */
  let peers: PeerId[]
  const honest = (ps: PeerId[]): SimMirror[] => ps.map((peerId) => ({ peerId, keeps: true }))

  before(async () => {
    key = await dhtKey('site-copies:sim')
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, i) =>
        peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(i))),
      ),
    )
    peers = closestPeers(key, ids)
  })

  it('hands a published site on to the three placed relays', () => {
    const copies = new SiteCopies()
    copies.publish(key, peers[7].toString(), honest(peers))
    const r = copies.result(honest(peers))
    assert.deepEqual(r, { sites: 1, complete: 1, pulls: 3, fewestCopies: 3 })
  })

  it('has the next closest relay pull a copy when a mirror leaves', () => {
    const copies = new SiteCopies()
    copies.publish(key, peers[0].toString(), honest(peers))
    const live = honest(peers.slice(1))
    copies.leave(peers[0].toString(), live)
    assert.deepEqual(copies.result(live), { sites: 1, complete: 1, pulls: 3, fewestCopies: 3 })
  })

  it('keeps the publisher’s copy while every placed mirror is a Sybil', () => {
    const copies = new SiteCopies()
    const live = [
      ...peers.slice(0, 3).map((peerId) => ({ peerId, keeps: false })),
      ...honest(peers.slice(3)),
    ]
    copies.publish(key, peers[6].toString(), live)
    assert.deepEqual(copies.result(live), { sites: 1, complete: 1, pulls: 0, fewestCopies: 1 })
  })

  it('loses a site whose every copy left before another relay pulled it', () => {
    const copies = new SiteCopies()
    const live = [
      ...peers.slice(0, 3).map((peerId) => ({ peerId, keeps: false })),
      ...honest(peers.slice(3)),
    ]
    copies.publish(key, peers[6].toString(), live)
    const after = live.filter((m) => !m.peerId.equals(peers[6]))
    copies.leave(peers[6].toString(), after)
    copies.settleAll(after)
    assert.deepEqual(copies.result(after), { sites: 1, complete: 0, pulls: 0, fewestCopies: 0 })
  })
})
