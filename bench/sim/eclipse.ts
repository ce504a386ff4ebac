/**
 * The eclipse of one name's key neighbourhood: Sybil server keys ground (drawn from the run's
 * generator until one fits) so that each Sybil's DHT ID shares its leading bits with the name's
 * DHT key. kad-dht places a record on the K servers whose IDs are closest to the key and ends a
 * lookup there, so Sybils ground this way are most of the servers every put of the name reaches
 * and every lookup of it asks. See docs/ARCHITECTURE.md ("Network simulation").
 * @module
 */
import { createHash } from 'node:crypto'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Prng } from './prng.ts'

/** kad-dht's bucket size: the servers a record is put on. */
const K = 20
/** Key seeds tried for one Sybil before giving up (the run then says so). */
export const MAX_GRIND_TRIES = 200_000

/** Leading bits two 32-byte IDs share. */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  let bits = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ^ b[i]
    if (x === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(x) - 24
  }
  return bits
}

/**
 * The leading bits a Sybil's ID must share with the key so that few of `nodes` servers are
 * closer: log2(nodes / K) + 2, about a quarter of an honest server expected closer per K.
 */
export function eclipseBits(nodes: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(1, nodes / K))) + 2)
}

/** A DHT key's kad-dht ID (SHA-256 of the key). */
export function kadId(key: Uint8Array): Uint8Array {
  return createHash('sha256').update(key).digest()
}

/**
 * `count` key seeds from `rng` whose peer IDs' kad-dht IDs share at least `bits` leading bits
 * with `target` (a kad-dht ID); throws when one takes more than `MAX_GRIND_TRIES` draws.
 */
export async function grindSeeds(
  rng: Prng,
  target: Uint8Array,
  count: number,
  bits: number,
): Promise<Uint8Array[]> {
  const seeds: Uint8Array[] = []
  while (seeds.length < count) {
    for (let tries = 0; ; tries++) {
      if (tries >= MAX_GRIND_TRIES)
        throw new Error(`no Sybil key within ${bits} bits of the name after ${tries} tries`)
      const seed = rng.bytes(32)
      const peer = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed))
      if (commonPrefixBits(kadId(peer.toMultihash().bytes), target) >= bits) {
        seeds.push(seed)
        break
      }
    }
  }
  return seeds
}

/** How many of the K servers closest to `key` (a DHT key) are Sybils. */
export function sybilsAmongClosest(
  key: Uint8Array,
  honest: readonly PeerId[],
  sybils: readonly PeerId[],
): number {
  const target = kadId(key)
  const distance = (peer: PeerId): Buffer => {
    const id = kadId(peer.toMultihash().bytes)
    return Buffer.from(id.map((b, i) => b ^ target[i]))
  }
  const all = [
    ...honest.map((p) => ({ sybil: false, d: distance(p) })),
    ...sybils.map((p) => ({ sybil: true, d: distance(p) })),
  ]
  all.sort((a, b) => Buffer.compare(a.d, b.d))
  return all.slice(0, K).filter((s) => s.sybil).length
}
