/**
 * The parts an `AlternetPeer` is assembled from (its libp2p node, store, naming service and
 * relay manager, as the peer uses each), and what its `status()` reports.
 * @module
 */
import type { Libp2p } from '@libp2p/interface'
import type { RecordFields, RecordHost, SignedRecord } from '../core/records/index.ts'
import type { PublishedSites } from '../storage/index.ts'
import type { KeepSiteAliveContext } from './mirror/index.ts'
import type { RelayInfo } from './node/index.ts'
import type { ResolvedSite, SiteFetcherInit } from './fetch/index.ts'
import type { ContentStore, SiteHostInit } from './hosting/index.ts'

/** The naming service as the peer uses it (`createNamingService` gives one). */
export interface PeerNaming {
  publish(
    fields: RecordFields,
    options?: { signal?: AbortSignal },
  ): Promise<{ record: SignedRecord; accepted: number }>
  resolve(site: string, options?: { signal?: AbortSignal; fresh?: boolean }): Promise<ResolvedSite>
  startRepublishing?(): void
  /** Signs fields with the owner key (records pre-signed for the mirrors). */
  sign?(fields: RecordFields): Promise<SignedRecord>
  stop?(): void | Promise<void>
}

/** The relay manager as the peer uses it (`createBrowserNode` gives one). */
export interface PeerRelays extends EventTarget {
  status(): { relays: RelayInfo[]; peers: number; reachable: boolean; addresses: string[] }
  waitFor?(
    test: (status: { reachable: boolean; addresses: string[] }) => boolean,
    options?: { signal?: AbortSignal },
  ): Promise<unknown>
  /** Adds a relay by URL (its `/.well-known/alternet.json`) or multiaddr, dialled at once. */
  add(entry: string): Promise<unknown>
  /** Forgets a relay: no more dials. */
  remove?(entry: string): Promise<void>
  /** Dials every relay not connected now, skipping the back-off; resolves to whether one is connected. */
  reconnect?(): Promise<boolean>
  stop(): void
}

/** The store as the peer uses it (`openAlternetStorage` gives one). */
export interface PeerStorage {
  blocks: ContentStore
  sites: Pick<PublishedSites, 'getPublishedSite' | 'putPublishedSite'> &
    Partial<Pick<PublishedSites, 'setHosted' | 'setKeepAlive'>>
  close?(): void
}

/** A site whose content reaches this peer only through a relay's limited circuit. */
export interface SlowPath {
  site: string
  /** The host's peer ID. */
  peer: string
}

/** What `status()` and `status` events report. */
export interface PeerStatus {
  peerId: string
  /** The relays and their reservations (empty without a relay manager). */
  relays: RelayInfo[]
  /** Peers with an open connection. */
  peers: number
  /** Whether other peers can reach this node. */
  reachable: boolean
  /** This node's multiaddrs. */
  addresses: string[]
  /** Hosts reached only through a relay's limited circuit now: slow. */
  slowPath: SlowPath[]
  /** Route requests this node is answering now. */
  serving: number
}

/** The parts a peer is assembled from. */
export interface PeerParts<L extends Libp2p, S extends PeerStorage, N extends PeerNaming> {
  libp2p: L
  storage: S
  naming: N
  relays?: PeerRelays
  /** Route server limits. */
  host?: Omit<SiteHostInit, 'store'>
  /** Fetch settings (timeouts, dialling, keeping visited blocks). */
  fetch?: Pick<SiteFetcherInit, 'keepVisited' | 'keepBlocks' | 'client' | 'connect'>
  /**
   * Start republishing own records (`naming.startRepublishing`).
   * @default true
   */
  republish?: boolean
  /** This node's host entry in records it signs. @default hostEntry (every address, direct first) */
  hostEntry?: (libp2p: L) => RecordHost
  /**
   * How long publishing waits for the mirrors to copy a site ("Copying to mirrors"), in ms;
   * 0 ends publishing when the record is out.
   * @default DEFAULT_MIRROR_WAIT_MS
   */
  mirrorWait?: number
  /** Spacing and lifetime of records pre-signed for the mirrors (short ones in tests). @default a day, 48 h */
  keepAlive?: Pick<KeepSiteAliveContext, 'spacing' | 'lifetime'>
}
