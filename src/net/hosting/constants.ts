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

/** Sites a visitor who helps host serves at most (the first ones held completely). */
export const HELP_HOST_MAX_SITES = 50

/** Largest site a visitor who helps host fetches in full to serve it (bytes of its files). */
export const HELP_HOST_MAX_SITE_BYTES = 256 * 1024 * 1024

/** `/an/mirror/1.0.0` questions one peer may have open at once with a visitor who helps host. */
export const HELP_HOST_QUESTIONS_PER_PEER = 2

/**
 * How long a visitor (a peer ID) who began reading a site counts as the same visit: a browser
 * that asks for the site's manifest again meanwhile (a retry, a second tab, a prefetch) is not
 * counted twice in "Visits served by this device".
 */
export const VISIT_REPEAT_MS = 30 * 60 * 1000

/**
 * Visitors remembered for `VISIT_REPEAT_MS`, all sites together (`VisitMemory`); past it the
 * fullest address block forgets its earliest.
 */
export const MAX_VISITS_REMEMBERED = 10_000

/**
 * Visitors remembered per address block (the block a visitor's connection came from; a relayed
 * visitor counts in its relay's): a tenth of `MAX_VISITS_REMEMBERED`, so fresh peer IDs from one
 * block push out only that block's visitors. Past it the block forgets its earliest, who would
 * be counted again if they asked again within `VISIT_REPEAT_MS`.
 */
export const MAX_VISITS_PER_BLOCK = 1_000
