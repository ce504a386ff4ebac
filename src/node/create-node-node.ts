/**
 * `createNodeNode`: the libp2p node of a Node peer, the Node counterpart of the page's
 * `createBrowserNode`. It dials with everything Node offers: TCP, WebSockets, WebRTC (to browsers,
 * signalled over a relay's circuit; `node-datachannel` underneath), WebRTC-Direct and circuit
 * relay v2; Noise, Yamux, identify, ping; kad-dht in client mode on `/an/kad/1.0.0` with the
 * core's validator and selector, exactly as the browser. It listens on `/webrtc` and, through
 * its relays (the page's `RelayManager`), on `/p2p-circuit`, plus any `listen` addresses given
 * (e.g. `/ip4/0.0.0.0/tcp/4010`, `/ip4/0.0.0.0/udp/4011/webrtc-direct`).
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import type { AlternetStorage } from '../storage/index.ts'
import { DATA_CHANNEL_MESSAGE_SIZE } from '../net/node/peer-services.ts'
import { contiguousNoiseCrypto } from '../net/node/contiguous-noise-crypto.ts'
import { joinedWrites } from '../net/node/joined-writes.ts'
import type { BrowserNode, NamingNode } from '../net/node/create-browser-node.ts'
import type { NamingService } from '../net/naming/naming-service.ts'
import { DEFAULT_MAX_EARLY_STREAMS } from '../net/route/constants.ts'
import { startPeerNode, type PeerNodeInit } from '../net/node/start-peer-node.ts'

/** Addresses a Node peer listens on besides those `listen` adds. */
export const DEFAULT_NODE_LISTEN = ['/webrtc']

/** What `createNodeNode` needs: a peer node's settings and where else to listen. */
export interface NodeNodeInit extends PeerNodeInit {
  /** More addresses to listen on (TCP, WebSockets, WebRTC-Direct). @default [] */
  listen?: string[]
}

/** A started Node node and its relay manager (the same parts as a browser node). */
export type NodeNode = BrowserNode

/**
 * Creates and starts the node and its relay manager (and, given a `storage`, naming); resolves
 * once a relay is connected or every relay failed its first dial (they are dialled again with
 * back-off).
 * @example
 * ```ts
 * const storage = await openNodeStorage({ dir })
 * const { libp2p, relays, naming } = await createNodeNode({
 *   privateKey: await storage.identity.getOrCreatePeerKey(),
 *   relays: ['https://relay.example.org'],
 *   storage,
 * })
 * ```
 */
export async function createNodeNode(
  init: NodeNodeInit & { storage: AlternetStorage },
): Promise<NamingNode>
export async function createNodeNode(init: NodeNodeInit): Promise<NodeNode>
export async function createNodeNode(
  init: NodeNodeInit,
): Promise<NodeNode & { naming?: NamingService }> {
  const { libp2p, relays, naming } = await startPeerNode(init, {
    addresses: { listen: [...DEFAULT_NODE_LISTEN, ...(init.listen ?? [])] },
    transports: [
      tcp(),
      webSockets(),
      webRTC({ dataChannel: { maxMessageSize: DATA_CHANNEL_MESSAGE_SIZE } }),
      webRTCDirect(),
      circuitRelayTransport(),
    ],
    // One transport write per Noise message (its length and ciphertext together), as a relay.
    connectionEncrypters: [joinedWrites(noise({ crypto: contiguousNoiseCrypto() }))],
    streamMuxers: [yamux({ maxEarlyStreams: DEFAULT_MAX_EARLY_STREAMS })],
    // Node's libp2p dials any address; only a relay the manager marks down is held back.
    gater: (deniesDial) => ({ denyDialPeer: deniesDial }),
  })
  return naming === undefined ? { libp2p, relays } : { libp2p, relays, naming }
}
