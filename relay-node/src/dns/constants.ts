/**
 * Defaults and limits of the relay's `.alt` resolver (RFC 9476). The ones an operator may
 * change are flags (see `config.ts` and `--help`).
 * @module
 */

const SECOND = 1000

/** The special-use top-level name the resolver answers for (RFC 9476). */
export const ALT_ZONE = 'alt'

/** Queries one source address may send per second, on average (UDP and TCP together). */
export const DEFAULT_DNS_RATE = 50
/** Queries one source may send at once before its rate applies. */
export const DEFAULT_DNS_BURST = 100
/** TCP connections one source address may hold open at once. */
export const DEFAULT_DNS_TCP_PER_SOURCE = 8
/** TCP connections held open at once, from all sources. */
export const MAX_DNS_TCP_CONNECTIONS = 512
/** A TCP connection with no complete query for this long is closed (RFC 7766 suggests seconds). */
export const DEFAULT_DNS_IDLE_TIMEOUT_MS = 10 * SECOND
/** Longest wait for the upstream server's answer to a forwarded query; then SERVFAIL. */
export const DEFAULT_DNS_FORWARD_TIMEOUT_MS = 3 * SECOND
/** Forwarded queries waiting for the upstream at once; more are answered SERVFAIL. */
export const DEFAULT_DNS_MAX_FORWARDS = 256
/** Longest a `.alt` name is looked up in the DHT before the resolver answers SERVFAIL. */
export const DEFAULT_DNS_LOOKUP_TIMEOUT_MS = 3 * SECOND
/** DHT look-ups of distinct `.alt` names at once; queries needing more are answered SERVFAIL. */
export const MAX_DNS_LOOKUPS = 32
/** Names whose answer (found or not) is kept. */
export const DNS_CACHE_SIZE = 4096
/** Longest an answer about a name found is kept and its TTL, in seconds (the record's `ttl` may be less). */
export const MAX_DNS_ANSWER_TTL_S = 300
/** How long "not in the network" stands, in seconds: the NXDOMAIN's negative TTL (SOA minimum). */
export const DNS_NEGATIVE_TTL_S = 30
/** Largest DNS message over UDP without EDNS (RFC 1035). */
export const DNS_UDP_PAYLOAD = 512
/** Largest UDP payload the resolver uses even when a client offers more (RFC 9715 advice). */
export const MAX_DNS_UDP_PAYLOAD = 1232
/** Largest DNS message read from a TCP connection (the 2-byte length's bound). */
export const MAX_DNS_TCP_MESSAGE = 65_535
/** Bytes a TCP connection may have buffered and not yet parsed. */
export const MAX_DNS_TCP_BUFFER = 2 * MAX_DNS_TCP_MESSAGE
/** Queries one TCP connection may have in progress at once (RFC 7766 pipelining). */
export const MAX_DNS_TCP_PIPELINE = 16
