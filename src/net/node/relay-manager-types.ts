/**
 * What the relay manager (`relay-manager.ts`) is given and what it reports: its options, the
 * libp2p components it works through, the status it emits, each relay's revoker trust, and the
 * state it keeps per relay (shared with its dialing and reservation parts).
 * @module
 */
import type {
  Connection,
  Libp2pEvents,
  PeerId,
  PeerStore,
  TypedEventTarget,
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { DevSettings, RelayEntry } from './relay-addresses.ts'

/** One relay in the status. */
export interface RelayInfo {
  /** The relay's peer ID; empty until its well-known document was read. */
  peerId: string
  /** As configured: a URL or a multiaddr. */
  source: string
  /** Whether a connection to it is open. */
  connected: boolean
  /** Whether this node holds a reservation on it. */
  reserved: boolean
  /** Name of the last error dialing or reserving, while it is failing. */
  error?: string
}

/** What the node's connectivity looks like. */
export interface RelayStatus {
  relays: RelayInfo[]
  /** Peers with an open connection (relays and browsers). */
  peers: number
  /** Whether other peers can reach this node: it has a `/p2p-circuit` or `/webrtc` address. */
  reachable: boolean
  /** The node's own multiaddrs. */
  addresses: string[]
}

/** Options of `RelayManager`. */
export interface RelayManagerInit {
  /** Relay URLs or multiaddrs. */
  relays: string[]
  /** Development-only dial settings. @default {} */
  dev?: DevSettings
  /** Reservations to hold when that many relays are connected. @default DEFAULT_RESERVATIONS (2) */
  reservations?: number
  /**
   * The relays (as configured) whose revokers this node trusts; see `trustRevokersOf`.
   * @default the first of `relays` only
   */
  revokerRelays?: readonly string[]
}

/** One relay's revoker keys, and whether this node trusts them. */
export interface RevokerTrust {
  /** The relay as configured: a URL or a multiaddr. */
  source: string
  /** The revoker keys its well-known document names. */
  revokers: Uint8Array[]
  /** Whether its revokers count here. */
  trusted: boolean
}

/** What the manager keeps of one relay. */
export interface RelayState {
  source: string
  entry: RelayEntry
  peerId?: PeerId
  attempts: number
  timer?: ReturnType<typeof setTimeout>
  dialing?: Promise<void>
  reserveFailedAt?: number
  /** Set when it went away or its dial failed; cleared when a connection opens. */
  down?: boolean
  /** The manager's own dial is under way: the gater lets it through. */
  redialing?: boolean
  error?: string
  lastError?: Error
  /** The relay's HTTP origin (URL entries), from the last well-known document read. */
  http?: string
  trustedRevokers?: Uint8Array[]
  trustedRegistrars?: Uint8Array[]
}

/** The libp2p components the relay manager works through (given to it as a service). */
export interface RelayManagerComponents {
  /** The node's events: connections, address changes, listeners. */
  events: TypedEventTarget<Libp2pEvents>
  /** Relays' addresses and tags. */
  peerStore: PeerStore
  /** Dials, open connections, hang-ups. */
  connectionManager: {
    getConnections(peerId?: PeerId): Connection[]
    openConnection(addrs: Multiaddr[], options?: { signal?: AbortSignal }): Promise<Connection>
    closeConnections(peerId: PeerId): Promise<void>
  }
  /** Reservations are asked for by listening on a relay's `/p2p-circuit` address. */
  transportManager: {
    listen(addrs: Multiaddr[]): Promise<void>
    getListeners(): { getAddrs(): Multiaddr[] }[]
  }
  /** The node's own addresses. */
  addressManager: { getAddresses(): Multiaddr[] }
}
