/**
 * Protocol identifiers and default settings of the relay. Every default can be changed by a
 * flag, an environment variable or the config file (see `config.ts` and `--help`).
 * @module
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const KIB = 1024
const MIB = 1024 * KIB

// The kad-dht protocol of the network (never the IPFS one: the networks would merge) and the
// protocol that carries signed revocations from relay to relay are contracts with the browser.
export { DHT_PROTOCOL, REVOKE_PROTOCOL } from '@alternet/core/contracts'
/** Datastore prefix kad-dht keeps values under (its default `datastorePrefix` plus `/record`). */
export const DHT_RECORD_PREFIX = '/dht/record/'
/** Datastore prefix kad-dht keeps provider records under. */
export const DHT_PROVIDER_PREFIX = '/dht/provider/'
/** Datastore prefix of the relay's own state: revocations and store bookkeeping. */
export const RELAY_STATE_PREFIX = '/alternet-relay/'

/** File in the data dir holding the relay's libp2p private key (protobuf), mode 0600. */
export const PEER_KEY_FILE = 'peer-key'
/** Folder in the data dir holding the LevelDB datastore. */
export const DATASTORE_DIR = 'datastore'
/** Data-dir file listing registrar public keys (hex), one a line. */
export const TRUSTED_REGISTRARS_FILE = 'trusted-registrars'
/** Data-dir file listing revoker public keys (hex), one a line. */
export const TRUSTED_REVOKERS_FILE = 'trusted-revokers'
/** Data-dir file listing blocked content roots (CIDs), one a line. */
export const BLOCKLIST_FILE = 'blocklist'

/** Bind address. Loopback, so a relay is only public when its operator says so. */
export const DEFAULT_HOST = '127.0.0.1'
/** HTTP port: health, metrics, well-known file and the app. */
export const DEFAULT_HTTP_PORT = 8780
/** TCP port (relay to relay). */
export const DEFAULT_TCP_PORT = 4401
/** WebSockets port (browsers on http pages, Node clients). */
export const DEFAULT_WS_PORT = 4402
/** Secure WebSockets port, used only when a TLS certificate and key are given. */
export const DEFAULT_WSS_PORT = 4403
/** UDP port of WebRTC-Direct (browsers on https pages, no certificate needed). */
export const DEFAULT_WEBRTC_PORT = 4404
/** The app's host name; site origins are `<label>.<public host>`. */
export const DEFAULT_PUBLIC_HOST = 'an.localhost'

/** Reservations the circuit relay server holds at once (libp2p's default is 15). */
export const DEFAULT_MAX_RESERVATIONS = 1024
/**
 * Reservations one source (an address block, see `DEFAULT_SOURCE_PREFIX_V4`) may hold at once:
 * fresh peer IDs from one place cannot take the whole pool; many browsers behind one NAT still fit.
 */
export const DEFAULT_MAX_RESERVATIONS_PER_SOURCE = 64
/** IPv4 addresses within one /24 count as one source for quotas, new names and reservations. */
export const DEFAULT_SOURCE_PREFIX_V4 = 24
/** IPv6 addresses within one /56 (a typical site allocation) count as one source. */
export const DEFAULT_SOURCE_PREFIX_V6 = 56
/**
 * How long a reservation lasts before the client must refresh it (libp2p's default is 2 h;
 * clients refresh 5 min before expiry). A reservation also ends when its peer disconnects.
 */
export const DEFAULT_RESERVATION_TTL_MS = 30 * MINUTE
/** Bytes one relayed connection may carry each way: WebRTC signalling needs a few KiB; the rest lets a stalled direct dial fall back to the relayed path. */
export const DEFAULT_RELAY_DATA_LIMIT = 4 * MIB
/** How long one relayed connection may last: long enough for slow ICE and a fallback fetch. */
export const DEFAULT_RELAY_DURATION_LIMIT_MS = 10 * MINUTE
/** Inbound HOP streams open at once (one per browser that reserves or dials through us). */
export const DEFAULT_MAX_HOP_STREAMS = 1024

/** Connections held at once (libp2p's default is 300). */
export const DEFAULT_MAX_CONNECTIONS = 4096
/**
 * Inbound connections one source (address block) may hold at once: many browsers share one
 * NAT, but one block never takes every connection (capped at a quarter of the total).
 */
export const DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 1024
/** Inbound connections per second from one IP address (libp2p's default is 5; many browsers share one NAT). */
export const DEFAULT_INBOUND_CONNECTION_THRESHOLD = 64
/** Inbound connections still upgrading at once (libp2p's default is 10). */
export const DEFAULT_MAX_PENDING_CONNECTIONS = 256

/** Total bytes of DHT records and provider records the store holds. */
export const DEFAULT_STORE_MAX_BYTES = 256 * MIB
/** Bytes of records one sending peer may occupy (configured bootstrap relays are exempt). */
export const DEFAULT_STORE_PEER_QUOTA_BYTES = 8 * MIB
/** Bytes of records the peers of one source (address block) may occupy together (configured bootstrap relays are exempt). */
export const DEFAULT_STORE_SOURCE_QUOTA_BYTES = 32 * MIB
/** Names not yet stored here that one source may add per minute. */
export const DEFAULT_NEW_NAMES_PER_MINUTE = 60
/** A source may add new names in a burst of this many minutes' allowance. */
export const NEW_NAME_BURST_MINUTES = 4
/**
 * Share of the store kept for records that already have a key here: new names are refused
 * (or make room) once the store is this close to full, so existing names can still grow to
 * the record size limit.
 */
export const STORE_GROWTH_RESERVE = 1 / 16
/**
 * What happens when the store is full: evict expired records and provider records, oldest
 * first, then the newest records of the source that holds the most bytes (`heaviest`); only the
 * former (`oldest`: live names never evicted); or nothing (`refuse`).
 */
export const DEFAULT_EVICTION_POLICY = 'heaviest'

/** How often the relay re-puts the records it holds to the current closest peers. */
export const DEFAULT_REPUBLISH_INTERVAL_MS = HOUR
/** Each republish round's delay is drawn within this share of the interval, either way. */
export const REPUBLISH_JITTER = 0.25
/**
 * Most republish rounds in a row a relay skips one record on other holders' puts; the next round
 * re-puts it, whoever keeps putting it here (a Sybil among the key's closest cannot spare more).
 */
export const REPUBLISH_MAX_SKIPS = 2
/** Longest the republishing of one record may take (a relay with no DHT peer would wait forever). */
export const REPUBLISH_PUT_TIMEOUT_MS = 30 * SECOND
/** How often expired records and providers are swept from the store. */
export const DEFAULT_EXPIRY_SWEEP_INTERVAL_MS = 5 * MINUTE
/** How long a provider record lives after it was received (kad-dht's own validity). */
export const DEFAULT_PROVIDER_VALIDITY_MS = 48 * HOUR

/** First wait before redialling a lost bootstrap relay. */
export const DEFAULT_RECONNECT_MIN_MS = SECOND
/** Longest wait between redials of a lost bootstrap relay. */
export const DEFAULT_RECONNECT_MAX_MS = 5 * MINUTE
/** A peer that has not been reachable for this long is removed from the peer store and the routing table. */
export const DEFAULT_DEAD_PEER_AFTER_MS = HOUR
/** How often dead peers are looked for. */
export const DEFAULT_PRUNE_INTERVAL_MS = 10 * MINUTE

/** Delay before kad-dht's first self-query (its default of 1 s holds every early query). */
export const DEFAULT_INITIAL_QUERY_SELF_INTERVAL_MS = 0
/** Largest HTTP request body the relay reads (revocations are far smaller). */
export const MAX_HTTP_BODY_BYTES = 64 * KIB
/** Longest revocation message accepted over libp2p. */
export const MAX_REVOCATION_BYTES = 16 * KIB
/** How long a peer has to send or receive one revocation message. */
export const REVOKE_STREAM_TIMEOUT_MS = 10 * SECOND
/**
 * Longest a store write (record, provider record, peer store entry) waits in memory before it
 * reaches LevelDB's log in one batch: a crash or `kill -9` loses at most this much. 0 writes at once.
 */
export const DEFAULT_STORE_FLUSH_INTERVAL_MS = 200

/** How long a relay looks in the DHT for a root name's record before refusing its subdomain record (`root-not-found`). */
export const DEFAULT_ROOT_LOOKUP_TIMEOUT_MS = 3 * SECOND
/** Root look-up results kept (found records and "none found"); the least recently used goes first. A record is at most 10 KiB. */
export const DEFAULT_ROOT_CACHE_SIZE = 1024
/** Longest a found root record is reused for subdomain writes (never past shortly before its expiry; re-validated on each use). */
export const DEFAULT_ROOT_CACHE_TTL_MS = MINUTE
/** How long "no root record found" stands before the DHT is asked again (a root stored on this relay is seen at once). */
export const DEFAULT_ROOT_NEGATIVE_TTL_MS = 30 * SECOND
/** DHT look-ups of distinct root names in flight at once; a subdomain write needing one more is refused (`busy`). */
export const DEFAULT_MAX_ROOT_LOOKUPS = 32
/** A found root record is not reused from the cache within this long of its expiry. */
export const ROOT_CACHE_EXPIRY_MARGIN_MS = 5 * SECOND
