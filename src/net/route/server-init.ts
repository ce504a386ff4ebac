/**
 * What a route server is given: the sites it serves, where it reads their blocks, and its
 * limits per request, peer, address and in all. See docs/PROTOCOL.md, "Server".
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Manifest } from '../../core/content/index.ts'
import type { PaceInit } from './pace.ts'

/** A site this node serves: its canonical name and the content root it serves for it. */
export interface HostedSite {
  site: string
  root: CID
}

/** Where the server finds what it serves. */
export interface RouteServerInit extends PaceInit {
  /** A block from the local store (chunks and manifests alike), or `undefined` when not held. */
  getBlock(cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array | undefined>
  /**
   * Several blocks at once, in order (one store transaction): when given, a file's chunks are
   * read with it, a segment at a time, rather than one `getBlock` each.
   */
  getBlocks?(cids: readonly CID[]): Promise<(Uint8Array | undefined)[]>
  /**
   * A decoded, validated manifest; by default `getBlock(root)` decoded with `decodeManifest`.
   * The server keeps the last few in memory either way.
   */
  getManifest?(root: CID, options: { signal: AbortSignal }): Promise<Manifest | undefined>
  /** The sites served now; read on every file request, so publishing or dropping a site needs no restart. */
  sites(): Iterable<HostedSite> | Promise<Iterable<HostedSite>>
  /**
   * Whether `cid` is a block of a site `sites()` lists (block requests for others get 404).
   * By default, from those sites' manifests: the manifest itself and the chunks it lists.
   */
  hostedBlock?(cid: CID, options: { signal: AbortSignal }): Promise<boolean>
  /**
   * Answer block requests for any block `getBlock` holds, content kept from visits included:
   * this node then mirrors what its person looked at, and any peer can learn which sites those
   * were by asking for their blocks. Off by default: only the blocks of the sites `sites()`
   * lists (their manifests and the chunks those list) are served; others get 404
   * `block-not-found`, as a block not held does.
   * @default false
   */
  serveVisitedBlocks?: boolean
  /**
   * Called when a block request is answered with the block (as its bytes start out), with the
   * peer that asked: hosting counts a site's visits from the requests for its manifest.
   */
  onBlockServed?(cid: CID, peer: PeerId): void
  /**
   * Largest request frame, in bytes; a larger one gets 431 and a reset stream.
   * @default DEFAULT_MAX_REQUEST_SIZE
   */
  maxRequestSize?: number
  /**
   * Time to receive the whole request frame, in ms; then 408 and a reset stream.
   * @default DEFAULT_REQUEST_TIMEOUT
   */
  requestTimeout?: number
  /**
   * Longest single wait for the reader to take more bytes (or for the final flush), in ms; then
   * the stream is reset. The waits of one response together are bounded too: see
   * `minThroughput` and `slowPeerGrace`.
   * @default DEFAULT_WRITE_TIMEOUT
   */
  writeTimeout?: number
  /**
   * Requests one peer may have in progress; more get 429.
   * @default DEFAULT_MAX_STREAMS_PER_PEER
   */
  maxStreamsPerPeer?: number
  /**
   * Requests one remote address group (an IPv4 address, an IPv6 /64) may have in progress,
   * whatever the peer IDs; more get 429. Connections whose address names no IP of the peer
   * (relayed circuits, browser-to-browser WebRTC) count under their peer ID only.
   * @default DEFAULT_MAX_STREAMS_PER_ADDRESS
   */
  maxStreamsPerAddress?: number
  /**
   * Requests in progress across all peers; more get 503.
   * @default DEFAULT_MAX_CONCURRENT_STREAMS
   */
  maxConcurrentStreams?: number
  /**
   * Slots out of `maxConcurrentStreams` kept for newcomers: once only these are left, a request
   * from an address group (or peer) already holding `maxStreamsPerPeer` gets 503.
   * @default a quarter of maxConcurrentStreams (DEFAULT_RESERVED_STREAMS at the defaults)
   */
  reservedStreams?: number
  /**
   * Route streams libp2p accepts per connection before resetting new ones without a status.
   * @default maxStreamsPerPeer + DEFAULT_INBOUND_STREAM_HEADROOM (DEFAULT_MAX_INBOUND_STREAMS)
   */
  maxInboundStreams?: number
  /**
   * Time the visitor has, once the response is sent, to close its side of the stream; then the
   * stream is reset. In ms.
   * @default DEFAULT_HALF_CLOSED_TIMEOUT
   */
  halfClosedTimeout?: number
  /**
   * Serve over limited (relayed) connections too. Off by default: content should not flow
   * through a relay's limited circuit when a direct connection can be made.
   * @default false
   */
  runOnLimitedConnection?: boolean
}
