/**
 * Limits and defaults of the relay's HTTP gateway. See relay-node/README.md, "The gateway", and
 * docs/PROTOCOL.md, "The HTTP gateway".
 * @module
 */

const SECOND = 1000

/** The reserved top-level name (RFC 9476) the gateway answers under: `<origin label>.alt`. */
export const GATEWAY_TLD = 'alt'

/** Gateway requests one client address may start per `GATEWAY_RATE_WINDOW_MS`; more get 429. */
export const DEFAULT_GATEWAY_CLIENT_RATE = 600

/** The window the per-client rate is counted over, in ms. */
export const GATEWAY_RATE_WINDOW_MS = 60 * SECOND

/** Client addresses whose counts are kept at once; the oldest windows go first past this. */
export const GATEWAY_MAX_TRACKED_CLIENTS = 10_000

/** Gateway requests in progress across all clients; more get 503. */
export const DEFAULT_GATEWAY_MAX_REQUESTS = 256

/**
 * Longest a resolved record is kept before the gateway looks the name up again, and the
 * longest `max-age` it sends, in seconds: a record's TTL may be up to a day, and an updated
 * site should not be served stale for that long.
 */
export const GATEWAY_MAX_AGE_S = 300

/** Time a DHT look-up of a name may take, in ms; then 504. */
export const GATEWAY_LOOKUP_TIMEOUT_MS = 10 * SECOND

/** Time the gateway waits for one host's answer to a block or a range, in ms. */
export const GATEWAY_HOST_TIMEOUT_MS = 15 * SECOND

/** Names whose resolved records are kept in memory, most recently used first. */
export const GATEWAY_RECORD_CACHE_SIZE = 1024

/**
 * Sites counted by name in `/metrics`; requests for other sites beyond this count under
 * `site="other"`, so a crawler of many names cannot grow the metrics without bound.
 */
export const GATEWAY_MAX_SITE_LABELS = 1000

/**
 * Headers of every gateway answer: no sniffing of content types. A site's own documents get
 * no Content-Security-Policy (it would change what the site does); the gateway's error pages
 * get a strict one.
 */
export const GATEWAY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
}
