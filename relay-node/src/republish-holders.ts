/**
 * Whose put spares a relay its own re-put of a record (republish.ts). Kademlia's skip holds
 * only when the put came from another holder: a DHT server among the key's K closest that this
 * relay knows (its routing table's closest, the servers its own re-put would reach first), whose
 * re-put went to the same closest servers. A client or a server farther from the key can put
 * the record to its holders as often as it likes and to no one else; counting that put would
 * stop every holder re-putting, and the record would not reach the servers that become closest
 * as holders leave. Nothing is kept per put: the guarded store already names the peer that
 * sent each stored record (record-senders.ts), and the routing table is read at each round.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { kadId } from './mirror/placement.ts'
import type { RelayNode } from './node.ts'

/** The part of kad-dht's routing table read here. */
interface ClosestTable {
  /** The table's closest peers to a Kademlia ID, K (its bucket size) unless `count` says. */
  closestPeers(id: Uint8Array, options?: { count?: number }): PeerId[]
}

/**
 * Whether `sender` (a peer ID string; undefined for the relay's own writes) is among the K
 * closest DHT servers to the DHT key `key` in `node`'s routing table: a holder whose put counts
 * as a re-put.
 */
export function isCloseHolder(
  node: Pick<RelayNode, 'services'>,
  key: Uint8Array,
  sender: string | undefined,
): boolean {
  if (sender === undefined) return false
  const table = (node.services.dht as unknown as { routingTable?: ClosestTable }).routingTable
  return table?.closestPeers(kadId(key)).some((peer) => peer.toString() === sender) ?? false
}
