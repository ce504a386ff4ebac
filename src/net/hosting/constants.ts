/**
 * Defaults of publishing and hosting a site.
 * @module
 */

/** Bytes of blocks handed to the store in one `putBlocks` transaction while hashing (4 MiB: 16 chunks). */
export const DEFAULT_STORE_BATCH_BYTES = 4 * 1024 * 1024

/**
 * Batches the hashing worker may have sent that the page has not stored yet; then it waits.
 * Bounds the memory a large site takes while it is published.
 */
export const MAX_BATCHES_IN_FLIGHT = 2

/**
 * Serve route requests over limited (relayed) connections too, so that a visitor with no
 * direct path can still fetch, slowly. Visitors only use such a connection when nothing else
 * works (see `connectHosts`).
 */
export const DEFAULT_HOST_ON_LIMITED_CONNECTIONS = true
