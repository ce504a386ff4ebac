/**
 * Where a site is mirrored: on the R live relays whose Kademlia IDs (SHA-256 of the peer ID's
 * multihash, as kad-dht computes them) are closest by XOR to SHA-256 of the site's DHT key.
 * Any peer that knows the relays computes the same set without asking the publisher, and when
 * a mirror leaves, the next closest relay is the one that takes its place.
 * See docs/PROTOCOL.md, "Mirrors".
 * @module
 */
import { createHash } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'

/** SHA-256 of `bytes`: the Kademlia ID of a key or a peer. */
export function kadId(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

/** Negative when `a` is closer to `target` than `b` by XOR distance. */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const da = a[i] ^ target[i]
    const db = b[i] ^ target[i]
    if (da !== db) return da - db
  }
  return 0
}

/** `peers` ordered closest first to the DHT key `key`. */
export function closestPeers<T extends PeerId>(key: Uint8Array, peers: Iterable<T>): T[] {
  const target = kadId(key)
  return [...peers]
    .map((peer) => ({ peer, id: kadId(peer.toMultihash().bytes) }))
    .sort((a, b) => compareDistance(target, a.id, b.id))
    .map((p) => p.peer)
}

/** Whether `self` is among the `replicas` closest of `live` (which includes `self`) to `key`. */
export function isPlacedOn(
  self: PeerId,
  key: Uint8Array,
  live: Iterable<PeerId>,
  replicas: number,
): boolean {
  return closestPeers(key, live)
    .slice(0, replicas)
    .some((p) => p.equals(self))
}
