/**
 * `createBrowserNode`: the libp2p node of a browser peer. WebRTC (browser to browser, its
 * signalling over a relay's circuit), WebRTC-Direct and WebSockets (to relays), WebTransport (to
 * relays of other implementations), circuit relay v2; Noise, Yamux (window updates once per
 * half window, `yamux-window-updates.ts`), identify, ping; kad-dht in client mode on
 * `/an/kad/1.0.0` with the core's record validator and selector. Listens on `/webrtc` and,
 * through its relays, on `/p2p-circuit`.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { ConnectionGater, Libp2p, PeerId } from '@libp2p/interface'
import { isPrivate } from '@libp2p/utils'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { webTransport } from '@libp2p/webtransport'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { AlternetStorage } from '../../storage/index.ts'
import type { NamingService } from '../naming/naming-service.ts'
import { DATA_CHANNEL_MESSAGE_SIZE, type AlternetServices } from './peer-services.ts'
import type { DevSettings } from './relay-addresses.ts'
import type { RelayManager } from './relay-manager.ts'
import { DEFAULT_MAX_EARLY_STREAMS } from '../route/constants.ts'
import { startPeerNode, type PeerNodeInit } from './start-peer-node.ts'
import { loadNoiseCrypto } from './wasm-noise-crypto.ts'
import { batchYamuxWindowUpdates } from './yamux-window-updates.ts'

/** What `createBrowserNode` needs. The app passes `location.origin` first among `relays`. */
export interface BrowserNodeInit extends PeerNodeInit {
  /** WebRTC settings (ICE servers) for browser-to-browser connections. @default libp2p's public STUN servers */
  rtcConfiguration?: RTCConfiguration
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

/** A started node given a store: with its naming service (`libp2p.services.naming`). */
export interface NamingNode extends BrowserNode {
  naming: NamingService
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
 * Creates and starts the node, dials its relays and starts keeping reservations on them; given
 * a `storage`, the node also runs naming. Resolves once a relay is connected, or every relay
 * failed its first dial (they are dialed again with back-off; see `relays.status()`).
 *
 * @example
 * ```ts
 * const storage = openAlternetStorage()
 * const { libp2p, relays, naming } = await createBrowserNode({
 *   privateKey: await storage.identity.getOrCreatePeerKey(),
 *   relays: [location.origin],
 *   storage,
 * })
 * await relays.waitFor((s) => s.reachable)
 * ```
 */
export async function createBrowserNode(
  init: BrowserNodeInit & { storage: AlternetStorage },
): Promise<NamingNode>
export async function createBrowserNode(init: BrowserNodeInit): Promise<BrowserNode>
export async function createBrowserNode(
  init: BrowserNodeInit,
): Promise<BrowserNode & { naming?: NamingService }> {
  const dev = init.dev ?? {}
  const crypto = await loadNoiseCrypto()
  batchYamuxWindowUpdates()
  const { libp2p, relays, naming } = await startPeerNode(init, {
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
    connectionEncrypters: [noise({ crypto })],
    streamMuxers: [yamux({ maxEarlyStreams: DEFAULT_MAX_EARLY_STREAMS })],
    gater: (deniesDial) => nodeConnectionGater(dev, deniesDial),
  })
  return naming === undefined ? { libp2p, relays } : { libp2p, relays, naming }
}
