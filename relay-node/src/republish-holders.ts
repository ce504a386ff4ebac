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
import { tableClosest } from './mirror/placement.ts'
import type { RelayNode } from './node.ts'

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
  return tableClosest(node.services.dht, key).some((peer) => peer.toString() === sender)
}
