/**
 * This node as a record host: its peer ID and the multiaddrs others can reach it on, in the
 * order a visitor tries them. The one function that builds a host entry, for the browser peer
 * (publish and republish) and for Node peers alike.
 * @module
 */
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import {
  MAX_ADDRS_PER_HOST,
  MAX_MULTIADDR_LENGTH,
  type RecordHost,
} from '../../core/records/index.ts'

/**
 * Which addresses a host entry leads with.
 * - `direct`: direct addresses (WebRTC, WebSockets, TCP) and WebRTC through a relay first,
 *   limited relayed circuits last: a Node peer, reachable directly.
 * - `browser`: WebRTC through a relay first, then the relayed circuits a browser can use,
 *   then the rest; circuits over a relay a browser cannot dial (raw TCP) are left out.
 */
export type HostEntryOrder = 'direct' | 'browser'

/** What a host entry is made from: the node's peer ID and its addresses now. */
export type HostSelf = Pick<Libp2p, 'peerId' | 'getMultiaddrs'>

const RANKS: Record<HostEntryOrder, (addr: string) => number> = {
  direct: (text) =>
    text.includes('/p2p-circuit') && !text.includes('/p2p-circuit/webrtc') ? 1 : 0,
  browser: (text) => {
    if (text.includes('/p2p-circuit/webrtc')) return 0
    if (text.includes('/p2p-circuit')) return 1
    return 2
  },
}

/** Whether a browser could use the relay hop of `addr` (raw TCP is for relays and Node only). */
function browserUsable(addr: Multiaddr): boolean {
  const relay = addr.toString().split('/p2p-circuit')[0]
  return (
    /\/(ws|wss|webrtc-direct|webtransport)(\/|$)/.test(relay) ||
    !addr.toString().includes('/p2p-circuit')
  )
}

/**
 * The host entry of this node for a record: `id` (peer ID multihash bytes) and up to
 * `MAX_ADDRS_PER_HOST` binary multiaddrs in `order`. May have no address (the node has none
 * yet); visitors then find it by peer routing.
 */
export function hostEntry(libp2p: HostSelf, order: HostEntryOrder = 'direct'): RecordHost {
  const rank = RANKS[order]
  const addrs = libp2p
    .getMultiaddrs()
    .filter(
      (addr) =>
        addr.bytes.length <= MAX_MULTIADDR_LENGTH && (order === 'direct' || browserUsable(addr)),
    )
    .sort((a, b) => rank(a.toString()) - rank(b.toString()))
  const unique = [...new Map(addrs.map((a) => [a.toString(), a.bytes])).values()]
  return { id: libp2p.peerId.toMultihash().bytes, addrs: unique.slice(0, MAX_ADDRS_PER_HOST) }
}

/** The browser peer's host entry: `hostEntry` in the `browser` order. */
export function selfHostEntry(libp2p: HostSelf): RecordHost {
  return hostEntry(libp2p, 'browser')
}
