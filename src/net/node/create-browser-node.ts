/**
 * `createBrowserNode`: the libp2p node of a browser peer. WebRTC (browser to browser, its
 * signalling over a relay's circuit), WebRTC-Direct and WebSockets (to relays), WebTransport (to
 * relays of other implementations), circuit relay v2; Noise, Yamux, identify, ping; kad-dht in
 * client mode on `/an/kad/1.0.0` with the core's record validator and selector. Listens on
 * `/webrtc` and, through its relays, on `/p2p-circuit`.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { ConnectionGater, Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { isPrivate } from '@libp2p/utils'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { webTransport } from '@libp2p/webtransport'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { DATA_CHANNEL_MESSAGE_SIZE, peerServices, type AlternetServices } from './peer-services.ts'
import type { DevSettings } from './relay-addresses.ts'
import type { RelayManager } from './relay-manager.ts'
import { relayManager } from './relay-manager.ts'

/** What `createBrowserNode` needs. */
export interface BrowserNodeInit {
  /** The node's identity: `storage.identity.getOrCreatePeerKey()`. */
  privateKey: PrivateKey
  /** Relay URLs (their `/.well-known/alternet.json` is read) or multiaddrs with `/p2p/`. The app passes `location.origin` first. */
  relays: string[]
  /** Development-only settings: dial private addresses and `ws://`. Off by default; on for loopback and tests. */
  dev?: DevSettings
  /** Registrar keys of a permissioned network. @default [] (an open network) */
  trustedRegistrars?: Uint8Array[]
  /** Reservations to keep when that many relays are known. @default DEFAULT_RESERVATIONS (2) */
  reservations?: number
  /** WebRTC settings (ICE servers) for browser-to-browser connections. @default libp2p's public STUN servers */
  rtcConfiguration?: RTCConfiguration
  /** Aborts the start: the node is stopped and the promise rejects. */
  signal?: AbortSignal
}

/** The node's services. */
export type { AlternetServices }

/** The libp2p node of a browser peer. */
export type AlternetLibp2p = Libp2p<AlternetServices>

/** A started browser node and its relay manager. */
export interface BrowserNode {
  libp2p: AlternetLibp2p
  relays: RelayManager
}

function hasPlainWebSocket(addr: Multiaddr): boolean {
  const names = addr.getComponents().map((c) => c.name)
  return names.includes('ws') && !names.includes('tls')
}

/**
 * The connection gater for development settings: libp2p's browser default refuses `ws://` and
 * private addresses; each setting lifts one of the two. Undefined (libp2p's default) without them.
 */
export function devConnectionGater(dev: DevSettings = {}): ConnectionGater | undefined {
  const privateOk = dev.allowPrivateAddresses === true
  const wsOk = dev.allowInsecureWebSockets === true
  if (!privateOk && !wsOk) return undefined
  return {
    denyDialMultiaddr: (addr) =>
      (!wsOk && hasPlainWebSocket(addr)) || (!privateOk && isPrivate(addr)),
  }
}

/**
 * The node's connection gater: the development settings' addresses (without them libp2p fills
 * in its browser default), and no dial of a relay `deniesDial` calls down (see `RelayManager`).
 */
function nodeConnectionGater(
  dev: DevSettings,
  deniesDial: (peerId: PeerId) => boolean,
): ConnectionGater {
  return { ...devConnectionGater(dev), denyDialPeer: (peerId) => deniesDial(peerId) }
}

/**
 * Creates and starts the node, dials its relays and starts keeping reservations on them.
 * Resolves once a relay is connected, or every relay failed its first dial (they are dialed
 * again with back-off; see `relays.status()`).
 *
 * @example
 * ```ts
 * const storage = openAlternetStorage()
 * const { libp2p, relays } = await createBrowserNode({
 *   privateKey: await storage.identity.getOrCreatePeerKey(),
 *   relays: [location.origin],
 * })
 * await relays.waitFor((s) => s.reachable)
 * ```
 */
export async function createBrowserNode(init: BrowserNodeInit): Promise<BrowserNode> {
  init.signal?.throwIfAborted()
  const dev = init.dev ?? {}
  const trustedRegistrars = init.trustedRegistrars ?? []
  // the gater is made before the relay manager that feeds it
  const made: { relays?: RelayManager } = {}
  const gater = nodeConnectionGater(dev, (peerId) => made.relays?.deniesDial(peerId) === true)
  const libp2p = await createLibp2p<AlternetServices & { relays: RelayManager }>({
    privateKey: init.privateKey,
    addresses: { listen: ['/webrtc'] },
    transports: [
      webRTC({
        ...(init.rtcConfiguration === undefined ? {} : { rtcConfiguration: init.rtcConfiguration }),
        dataChannel: { maxMessageSize: DATA_CHANNEL_MESSAGE_SIZE },
      }),
      webRTCDirect(),
      webSockets(),
      webTransport(),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    services: {
      ...peerServices(trustedRegistrars, dev),
      relays: relayManager({ relays: init.relays, dev, reservations: init.reservations }),
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
  return { libp2p, relays: manager }
}
