/**
 * The placement rule (docs/PROTOCOL.md, "Placement"): the R live relays closest to a site's
 * key, at most one per address block, relays on loopback each alone. Peers of one block ground
 * nearer the key than every other relay take one place; the rest go to the closest relays of
 * other blocks, in order.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { dhtKey } from '../../src/core/records/index.ts'
import {
  closestPeers,
  placedRelays,
  placementBlock,
} from '../../relay-node/src/mirror/placement.ts'
import { sourceOf } from '../../relay-node/src/source-subnet.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

const LOOPBACK_V6 = sourceOf('::1', { v4: 24, v6: 56 })

const peers = async (n: number): Promise<PeerId[]> =>
  Promise.all(
    Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))),
  )

describe('placement by address block', () => {
  it('places at most one relay of a block, the closest of it, then the next closest blocks', async () => {
    const key = await dhtKey('blocks:test')
    const ids = closestPeers(key, await peers(12))
    // The four closest share one block; the others each have one of their own.
    const live = ids.map((id, i) => ({
      id,
      block: i < 4 ? 'ip4:203.0.113.0/24' : `ip4:198.51.${i}.0/24`,
    }))
    const placed = placedRelays(key, live, 3)
    assert.deepEqual(
      placed.map(String),
      [ids[0], ids[4], ids[5]].map(String),
      'one of the shared block, then the two closest others',
    )
  })

  it('counts relays on loopback each alone, and every relay when the network has fewer than R', async () => {
    const key = await dhtKey('loopback:test')
    const ids = closestPeers(key, await peers(3))
    const loop = ids.map((id) => ({
      id,
      block: placementBlock(id.toString(), 'ip4:127.0.0.0/24', LOOPBACK_V6),
    }))
    assert.deepEqual(placedRelays(key, loop, 3).map(String), ids.map(String))
    const v6 = ids.map((id) => ({
      id,
      block: placementBlock(id.toString(), LOOPBACK_V6, LOOPBACK_V6),
    }))
    assert.deepEqual(placedRelays(key, v6, 5).map(String), ids.map(String))
    const shared = ids.map((id) => ({ id, block: 'ip6:20010db8000000/56' }))
    assert.deepEqual(placedRelays(key, shared, 3).map(String), [String(ids[0])])
  })
})
