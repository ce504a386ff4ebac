/**
 * Names of the `x-an-*` response headers every Alternet HTTP answer uses: the app's fetch, the
 * host's route answers, the site worker and the relay's gateway. See docs/PROTOCOL.md,
 * "Status codes" and "Fetching an an:// URL".
 * @module
 */

/** Response header naming the typed error behind an error response (`NameNotFoundError`...). */
export const ERROR_HEADER = 'x-an-error'

/** Response header carrying the stable reason of an error or a 404, when there is one. */
export const REASON_HEADER = 'x-an-reason'

/** Response header carrying the content root (manifest CID) the response comes from. */
export const ROOT_HEADER = 'x-an-root'

/**
 * Response header marking an answer made with no network: the name record came from the local
 * cache while the peer could reach no DHT server to look it up again, and every byte came from
 * blocks kept (and verified) on this device. Its value is when that record was last received
 * from the network (ISO 8601): the copy is the site as it was then. The site service worker
 * uses the same header for its Cache Storage copies.
 */
export const OFFLINE_COPY_HEADER = 'x-an-offline-copy'

/** The methods a site answers; any other gets 405 with this as `Allow`. */
export const ALLOWED_METHODS = 'GET, HEAD'
