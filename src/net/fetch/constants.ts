/**
 * Defaults of fetching `an://` URLs.
 * @module
 */

/** Time to get a direct connection to one host (WebRTC through a relay's signalling, or a direct transport), in ms. */
export const DEFAULT_DIRECT_DIAL_TIMEOUT = 8_000

/**
 * Direct dials tried per host before the relayed path: the browser-to-browser WebRTC dial
 * stalls in a fraction of attempts (docs/ARCHITECTURE.md, "Behaviour worth knowing"), and a
 * second attempt usually succeeds.
 */
export const DEFAULT_DIRECT_DIAL_ATTEMPTS = 2

/** Once one host is connected directly, how long the others may still take to join the fetch, in ms. */
export const DEFAULT_CONNECT_GRACE_TIME = 300

/** Time to get a relayed (limited) connection to one host, in ms. */
export const DEFAULT_RELAY_DIAL_TIMEOUT = 10_000

/** Decoded manifests kept in memory, most recently used first. */
export const DEFAULT_MANIFEST_CACHE_SIZE = 16

/** Bytes of fetched blocks waiting to be written to the store; beyond it new blocks are not kept. */
export const MAX_PENDING_CACHE_BYTES = 32 * 1024 * 1024

/** Bytes of fetched blocks written to the store per transaction. */
export const CACHE_BATCH_BYTES = 4 * 1024 * 1024

/** Response header naming the typed error behind an error response (`NameNotFoundError`...). */
export const ERROR_HEADER = 'x-an-error'

/** Response header carrying the stable reason of an error, when the error has one. */
export const REASON_HEADER = 'x-an-reason'

/** Response header carrying the content root the response comes from. */
export const ROOT_HEADER = 'x-an-root'

/**
 * Response header marking an answer made with no network: the name record came from the local
 * cache while this node could reach no DHT server to look it up again, and every byte came
 * from blocks kept (and verified) on this device. Its value is when that record was last
 * received from the network (ISO 8601): the copy is the site as it was then. The site service
 * worker uses the same header for its Cache Storage copies (`src/origins/shared/constants.ts`).
 */
export const OFFLINE_COPY_HEADER = 'x-an-offline-copy'
