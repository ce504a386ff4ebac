/**
 * Whether this node could look a name up now: it has an open connection to a peer that serves
 * the Alternet DHT (a relay, a Node peer), or to one whose protocols are not known yet (identify
 * still running: assumed able). A browser host is a DHT client and does not count. Used to
 * tell an answer made with no network (an offline copy) from a live one.
 * @module
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import { DHT_PROTOCOL } from '../node/constants.ts'

/** The part of a libp2p node used to judge whether names can be looked up. */
export type NamingReach = Pick<Libp2p, 'getConnections'> & Partial<Pick<Libp2p, 'peerStore'>>

/** True when some open connection leads to a DHT server (or to a peer not yet identified). */
export async function canLookUpNames(libp2p: NamingReach): Promise<boolean> {
  const peers = new Map<string, PeerId>()
  for (const connection of libp2p.getConnections())
    if (connection.status === 'open')
      peers.set(connection.remotePeer.toString(), connection.remotePeer)
  if (peers.size === 0) return false
  const store = libp2p.peerStore
  if (store === undefined) return true
  for (const peer of peers.values()) {
    try {
      const { protocols } = await store.get(peer)
      if (protocols.length === 0 || protocols.includes(DHT_PROTOCOL)) return true
    } catch {
      return true // not in the peer store yet: not identified, so possibly a server
    }
  }
  return false
}
