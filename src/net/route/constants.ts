/**
 * Protocol constants and default limits of `/an/route/1.0.0`. See docs/PROTOCOL.md.
 * @module
 */

// The protocol id negotiated on every route stream (see "Streams") is shared with the relay.
export { ROUTE_PROTOCOL } from '../../core/contracts/index.ts'

/** Version number carried in the `v` field of every request and response frame. See "Frames". */
export const ROUTE_VERSION = 1

/** Largest request frame a server reads, in bytes; larger gets status 431. See "Limits". */
export const DEFAULT_MAX_REQUEST_SIZE = 8 * 1024

/** Largest response header frame a client reads, in bytes. See "Limits". */
export const DEFAULT_MAX_RESPONSE_HEADER_SIZE = 16 * 1024

/** Time a server waits for the whole request frame, in ms; then status 408. See "Limits". */
export const DEFAULT_REQUEST_TIMEOUT = 10_000

/** Longest a server waits for a reader to make room for more bytes, in ms; then the stream is reset. See "Limits". */
export const DEFAULT_WRITE_TIMEOUT = 30_000

/** Requests one peer may have in progress at a server; more get status 429. See "Limits". */
export const DEFAULT_MAX_STREAMS_PER_PEER = 16

/** Requests a server has in progress across all peers; more get status 503. See "Limits". */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 256

/**
 * Requests one remote address group (an IPv4 address, an IPv6 /64) may have in progress at a
 * server, across all its peer IDs; more get status 429. See "Limits".
 */
export const DEFAULT_MAX_STREAMS_PER_ADDRESS = 2 * DEFAULT_MAX_STREAMS_PER_PEER

/**
 * Share of `DEFAULT_MAX_CONCURRENT_STREAMS` kept for newcomers: once only these slots are left,
 * a request is admitted only from an address group holding fewer than the per-peer limit.
 * See "Limits".
 */
export const DEFAULT_RESERVED_STREAMS = DEFAULT_MAX_CONCURRENT_STREAMS / 4

/** Prefix length that groups IPv6 addresses for the per-address limit (one customer's /64). */
export const IPV6_GROUP_PREFIX = 64

/**
 * Inbound route streams libp2p accepts on one connection beyond the per-peer limit before it
 * resets new ones without a status: a few, so that a peer just over its limit gets a 429.
 */
export const DEFAULT_INBOUND_STREAM_HEADROOM = 4

/**
 * Inbound route streams libp2p accepts on one connection: the per-peer limit plus
 * `DEFAULT_INBOUND_STREAM_HEADROOM`. See "Limits".
 */
export const DEFAULT_MAX_INBOUND_STREAMS =
  DEFAULT_MAX_STREAMS_PER_PEER + DEFAULT_INBOUND_STREAM_HEADROOM

/**
 * Slowest average pace a response may keep, in bytes per second, on either side: the time a
 * server waits for its reader to take bytes, or a client waits for bytes, may not exceed
 * `DEFAULT_SLOW_PEER_GRACE` plus the bytes moved so far at this rate. See "Limits".
 */
export const DEFAULT_MIN_THROUGHPUT = 4 * 1024

/** Waiting a response may spend before `DEFAULT_MIN_THROUGHPUT` applies, in ms. See "Limits". */
export const DEFAULT_SLOW_PEER_GRACE = 10_000

/**
 * Time a server waits, once its response is sent, for the visitor to close its side of the
 * stream (it should have right after its request), in ms; then the stream is reset.
 * See "Limits".
 */
export const DEFAULT_HALF_CLOSED_TIMEOUT = 5_000

/** Outbound route streams a client opens on one connection. */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 64

/**
 * Inbound streams a node's muxer holds on a new connection before libp2p listens to it (the
 * listening side may still be finishing its upgrade when the dialer, done first, opens its
 * streams): every route stream a client opens on one connection, and 16 more for the other
 * protocols opened at the same time. libp2p's default (10) closes the whole connection when a
 * client starts its fetches (`DEFAULT_FETCH_CONCURRENCY`) before a loaded host is ready.
 */
export const DEFAULT_MAX_EARLY_STREAMS = DEFAULT_MAX_OUTBOUND_STREAMS + 16

/** Time a client waits for a response header frame after sending its request, in ms. */
export const DEFAULT_RESPONSE_TIMEOUT = 15_000

/** Bytes a client buffers from a response body before it pauses the stream (backpressure). */
export const DEFAULT_READ_HIGH_WATER_MARK = 512 * 1024

/** Chunks `fetchFile` requests at once, ahead of the one it is returning. See "Fetching a file". */
export const DEFAULT_FETCH_CONCURRENCY = 16

/**
 * Chunks `fetchFile` asks of one host in one ranged `get` when it knows the file's address: one
 * stream per segment rather than per chunk. See "Fetching a file".
 */
export const DEFAULT_SEGMENT_CHUNKS = 8

/**
 * Hosts a fetch with the file's address keeps a segment under way at, at once: it requests up
 * to `DEFAULT_SEGMENT_CHUNKS` chunks ahead per host (4 × 8 × 256 KiB = 8 MiB buffered at most),
 * so that every mirror and host sends at the same time. See "Fetching a file".
 */
export const MAX_SEGMENT_SOURCES = 4

/** Longest value of a request header, in characters. See "Request". */
export const MAX_HEADER_VALUE_LENGTH = 1024

// The `x-an-*` header names and the manifest cache size are the core's HTTP vocabulary.
export { DEFAULT_MANIFEST_CACHE_SIZE, REASON_HEADER } from '../../core/http/index.ts'
