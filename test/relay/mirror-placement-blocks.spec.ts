/**
 * The placement rule (docs/PROTOCOL.md, "Placement"): the R live relays closest to a site's
 * key, at most one per address block (its size the operator's, 0 counting each relay alone),
 * relays on loopback each alone. Peers of one block ground
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
import { parseCommandLine } from '../../relay-node/src/config.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

const DEFAULT = { v4: 24, v6: 56 }

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
      block: placementBlock(id.toString(), '127.0.0.1', DEFAULT),
    }))
    assert.deepEqual(placedRelays(key, loop, 3).map(String), ids.map(String))
    const v6 = ids.map((id) => ({
      id,
      block: placementBlock(id.toString(), '::1', DEFAULT),
    }))
    assert.deepEqual(placedRelays(key, v6, 5).map(String), ids.map(String))
    const shared = ids.map((id) => ({ id, block: 'ip6:20010db8000000/56' }))
    assert.deepEqual(placedRelays(key, shared, 3).map(String), [String(ids[0])])
  })

  it("takes the block's size from the operator's flags, 0 counting every relay alone", () => {
    const config = (
      argv: string[],
    ): { placementBlockBitsV4: number; placementBlockBitsV6: number } => {
      const parsed = parseCommandLine(argv, {})
      if (parsed.help) throw new Error('help')
      return parsed.config
    }
    const defaults = config([])
    assert.deepEqual([defaults.placementBlockBitsV4, defaults.placementBlockBitsV6], [24, 56])
    const set = config(['--placement-block-bits-v4', '16', '--placement-block-bits-v6', '0'])
    const prefixes = { v4: set.placementBlockBitsV4, v6: set.placementBlockBitsV6 }
    assert.deepEqual(prefixes, { v4: 16, v6: 0 })
    const refusal = (argv: string[]): string =>
      (assert.throws(() => config(argv), 'ConfigError') as Error).message
    assert.match(refusal(['--placement-block-bits-v4', '33']), /v4 must be 0-32/)
    assert.match(refusal(['--placement-block-bits-v6', 'off']), /expected a whole number/)

    const a = '198.51.100.7'
    const b = '198.51.7.9'
    const v6 = (n: number): string => `2001:db8:0:${n}::1`
    // A /24 apart, one /16: two blocks by default, one with the flag.
    assert.notEqual(placementBlock('a', a, DEFAULT), placementBlock('b', b, DEFAULT))
    assert.equal(placementBlock('a', a, prefixes), placementBlock('b', b, prefixes))
    // One /56 by default; with 0, every IPv6 relay alone (and IPv4 still by its /16).
    assert.equal(placementBlock('a', v6(1), DEFAULT), placementBlock('b', v6(2), DEFAULT))
    assert.equal(placementBlock('a', v6(1), prefixes), 'peer:a')
    assert.equal(placementBlock('b', v6(1), prefixes), 'peer:b')
    const off = { v4: 0, v6: 0 }
    assert.equal(placementBlock('a', a, off), 'peer:a')
    assert.equal(placementBlock('a', '127.0.0.1', { v4: 8, v6: 8 }), 'peer:a')
  })
})
