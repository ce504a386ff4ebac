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

/**
 * Reads of at most this many chunks (a file up to 256 KiB: a page, a style sheet, a script) take
 * the first mirrors or direct hosts to answer, without waiting the grace time for the others.
 */
export const FIRST_SOURCES_MAX_CHUNKS = 1

/** Time to get a relayed (limited) connection to one host, in ms. */
export const DEFAULT_RELAY_DIAL_TIMEOUT = 10_000

/** Bytes of fetched blocks waiting to be written to the store; beyond it new blocks are not kept. */
export const MAX_PENDING_CACHE_BYTES = 32 * 1024 * 1024

/**
 * Time with no new block after which the keeper writes what it holds, in ms: blocks are written
 * once the fetch is over rather than on the thread that reads it meanwhile.
 */
export const KEEP_QUIET_MS = 100

/**
 * Bytes of fetched blocks waiting that start a write even while blocks still come: above a
 * 20 MiB file, so such a file is written once it is delivered, and below the bound by room
 * for the blocks that arrive while a write runs.
 */
export const KEEP_WRITE_AT_BYTES = (MAX_PENDING_CACHE_BYTES * 3) / 4

/** Bytes of fetched blocks written to the store per transaction. */
export const CACHE_BATCH_BYTES = 4 * 1024 * 1024

// The `x-an-*` header names and the manifest cache size are the core's HTTP vocabulary.
export {
  DEFAULT_MANIFEST_CACHE_SIZE,
  ERROR_HEADER,
  OFFLINE_COPY_HEADER,
  REASON_HEADER,
  ROOT_HEADER,
} from '../../core/http/index.ts'
