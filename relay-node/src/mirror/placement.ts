/**
 * Where a site is mirrored: on the R live relays whose Kademlia IDs (SHA-256 of the peer ID's
 * multihash, as kad-dht computes them) are closest by XOR to SHA-256 of the site's DHT key,
 * counting at most `MIRROR_RELAYS_PER_BLOCK` relays of one address block (peer IDs cost
 * nothing to make, address blocks do; the block's size is the operator's, and relays on
 * loopback count each alone). Any peer that
 * knows the relays computes the same set without asking the publisher, and when a mirror
 * leaves, the next closest relay is the one that takes its place.
 * See docs/PROTOCOL.md, "Mirrors".
 * @module
 */
import { createHash } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { BlockPrefixes } from '@alternet/core/contracts'
import { sourceOf } from '../source-subnet.ts'
import { MIRROR_RELAYS_PER_BLOCK } from './constants.ts'

/** A relay in a view of the live relays, with the address block placement counts it in. */
export interface LiveRelay {
  id: PeerId
  /** See `placementBlock`. */
  block: string
}

/** SHA-256 of `bytes`: the Kademlia ID of a key or a peer. */
export function kadId(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

/** The part of kad-dht's routing table read here. */
interface ClosestTable {
  /** The table's closest peers to a Kademlia ID, K (its bucket size) unless `count` says. */
  closestPeers(id: Uint8Array, options?: { count?: number }): PeerId[]
}

/**
 * The peers of `dht`'s routing table closest to the DHT key `key` (K of them unless `count`
 * says; none when the table cannot be read).
 */
export function tableClosest(dht: unknown, key: Uint8Array, count?: number): PeerId[] {
  const table = (dht as { routingTable?: ClosestTable }).routingTable
  return table?.closestPeers(kadId(key), count === undefined ? undefined : { count }) ?? []
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

/** `items` ordered closest first to the DHT key `key`, each by the peer `idOf` gives. */
export function closestBy<T>(key: Uint8Array, items: Iterable<T>, idOf: (item: T) => PeerId): T[] {
  const target = kadId(key)
  return [...items]
    .map((item) => ({ item, id: kadId(idOf(item).toMultihash().bytes) }))
    .sort((a, b) => compareDistance(target, a.id, b.id))
    .map((p) => p.item)
}

/** `peers` ordered closest first to the DHT key `key`. */
export function closestPeers<T extends PeerId>(key: Uint8Array, peers: Iterable<T>): T[] {
  return closestBy(key, peers, (peer) => peer)
}

/** Each address whole: the exact address, to tell loopback and the family. */
const EXACT = { v4: 32, v6: 128 }
const LOOPBACK_V6 = sourceOf('::1', EXACT)

/**
 * The block placement counts a relay in, from the address it connects from (or one of its
 * own; a multiaddr, or an IP as text): its block by `prefixes` (`--placement-block-bits-v4` / `-v6`), or the relay alone when
 * the address is loopback (one machine, one operator: test networks and relays run side by
 * side on one host) or its family's prefix is 0.
 */
export function placementBlock(
  id: string,
  addr: Multiaddr | string | undefined,
  prefixes: BlockPrefixes,
): string {
  const exact = sourceOf(addr, EXACT)
  const alone =
    exact.startsWith('ip4:127.') ||
    exact === LOOPBACK_V6 ||
    (exact.startsWith('ip4:') && prefixes.v4 === 0) ||
    (exact.startsWith('ip6:') && prefixes.v6 === 0)
  return alone ? `peer:${id}` : sourceOf(addr, prefixes)
}

/**
 * The relays placed for `key`: the closest of `live` first, skipping a relay whose address
 * block already has `perBlock` relays placed, until `replicas` are placed.
 */
export function placedRelays(
  key: Uint8Array,
  live: Iterable<LiveRelay>,
  replicas: number,
  perBlock = MIRROR_RELAYS_PER_BLOCK,
): PeerId[] {
  const counted = new Map<string, number>()
  const placed: PeerId[] = []
  for (const relay of closestBy(key, live, (r) => r.id)) {
    if (placed.length >= replicas) break
    const n = counted.get(relay.block) ?? 0
    if (n >= perBlock) continue
    counted.set(relay.block, n + 1)
    placed.push(relay.id)
  }
  return placed
}

/** Whether `self` is among the relays of `live` (which includes `self`) placed for `key`. */
export function isPlacedOn(
  self: PeerId,
  key: Uint8Array,
  live: Iterable<LiveRelay>,
  replicas: number,
): boolean {
  return placedRelays(key, live, replicas).some((p) => p.equals(self))
}
