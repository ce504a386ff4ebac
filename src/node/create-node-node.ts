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
import type { PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { DATA_CHANNEL_MESSAGE_SIZE, peerServices } from '../net/node/peer-services.ts'
import type { AlternetLibp2p, AlternetServices } from '../net/node/create-browser-node.ts'
import type { DevSettings } from '../net/node/relay-addresses.ts'
import type { RelayManager } from '../net/node/relay-manager.ts'
import { relayManager } from '../net/node/relay-manager.ts'

/** Addresses a Node peer listens on besides those `listen` adds. */
export const DEFAULT_NODE_LISTEN = ['/webrtc']

/** What `createNodeNode` needs. */
export interface NodeNodeInit {
  /** The node's identity: `storage.identity.getOrCreatePeerKey()`. */
  privateKey: PrivateKey
  /** Relay URLs (their `/.well-known/alternet.json`) or multiaddrs with `/p2p/`. */
  relays: string[]
  /** More addresses to listen on (TCP, WebSockets, WebRTC-Direct). @default [] */
  listen?: string[]
  /** Loopback and private addresses, plain `ws://`: for local networks and tests. @default off */
  dev?: DevSettings
  /** Registrar keys of a permissioned network. @default [] */
  trustedRegistrars?: Uint8Array[]
  /** Aborts the start. */
  signal?: AbortSignal
}

/** A started Node node and its relay manager. */
export interface NodeNode {
  libp2p: AlternetLibp2p
  relays: RelayManager
}

/**
 * Creates and starts the node and its relay manager; resolves once a relay is connected or
 * every relay failed its first dial (they are dialled again with back-off).
 * @example
 * ```ts
 * const storage = await openNodeStorage({ dir })
 * const { libp2p, relays } = await createNodeNode({
 *   privateKey: await storage.identity.getOrCreatePeerKey(),
 *   relays: ['https://relay.example.org'],
 * })
 * ```
 */
export async function createNodeNode(init: NodeNodeInit): Promise<NodeNode> {
  init.signal?.throwIfAborted()
  const dev = init.dev ?? {}
  const trustedRegistrars = init.trustedRegistrars ?? []
  const made: { relays?: RelayManager } = {}
  const libp2p = await createLibp2p<AlternetServices & { relays: RelayManager }>({
    privateKey: init.privateKey,
    addresses: { listen: [...DEFAULT_NODE_LISTEN, ...(init.listen ?? [])] },
    transports: [
      tcp(),
      webSockets(),
      webRTC({ dataChannel: { maxMessageSize: DATA_CHANNEL_MESSAGE_SIZE } }),
      webRTCDirect(),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Node's libp2p dials any address; only a relay the manager marks down is held back.
    connectionGater: { denyDialPeer: (peerId) => made.relays?.deniesDial(peerId) === true },
    services: {
      ...peerServices(trustedRegistrars, dev),
      relays: relayManager({ relays: init.relays, dev }),
    },
  })
  const manager = libp2p.services.relays
  made.relays = manager
  const stopOnAbort = (): void => {
    manager.stop()
    void libp2p.stop()
  }
  init.signal?.addEventListener('abort', stopOnAbort, { once: true })
  try {
    await manager.ready()
    init.signal?.throwIfAborted()
  } finally {
    init.signal?.removeEventListener('abort', stopOnAbort)
  }
  return { libp2p: libp2p as AlternetLibp2p, relays: manager }
}
