/**
 * This node as a record host: its peer ID and the multiaddrs others can reach it on, direct
 * ones (WebRTC, WebSockets, TCP) before relayed circuits, the order a visitor tries them in.
 * @module
 */
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RecordHost } from '../../core/records/index.ts'
import { MAX_MULTIADDR_LENGTH } from '../../core/records/index.ts'
import { MAX_HOST_ADDRS } from './constants.ts'

/** 1 for an address that only gives a limited relayed connection, 0 for a direct one. */
function rank(addr: Multiaddr): number {
  const text = addr.toString()
  return text.includes('/p2p-circuit') && !text.includes('/p2p-circuit/webrtc') ? 1 : 0
}

/**
 * The host entry of this node for a record: `id` (peer ID multihash bytes) and up to
 * `MAX_HOST_ADDRS` binary multiaddrs, direct ones first. May have no address (the node has
 * none yet); visitors then find it by peer routing.
 */
export function hostEntry(libp2p: Pick<Libp2p, 'peerId' | 'getMultiaddrs'>): RecordHost {
  const addrs = libp2p
    .getMultiaddrs()
    .filter((addr) => addr.bytes.length <= MAX_MULTIADDR_LENGTH)
    .sort((a, b) => rank(a) - rank(b))
  const unique = [...new Map(addrs.map((a) => [a.toString(), a.bytes])).values()]
  return { id: libp2p.peerId.toMultihash().bytes, addrs: unique.slice(0, MAX_HOST_ADDRS) }
}
