/**
 * The HTTP paths a relay serves (besides the app and the site-origin files), shared by the
 * relay's server and the browser peer that reads them. See relay-node/README.md.
 * @module
 */

/** The relay's state as JSON (for operators and health checks). */
export const HEALTH_PATH = '/health'

/** The well-known document: the relay's peer ID, addresses and trust settings (`WellKnown`). */
export const WELL_KNOWN_PATH = '/.well-known/alternet.json'

/** Prometheus metrics. */
export const METRICS_PATH = '/metrics'

/** `POST` a signed revocation envelope here. */
export const REVOKE_PATH = '/revoke'

/** Prefix of `GET /revocations/<canonical site name, percent-encoded>`: the revocation held for it. */
export const REVOCATIONS_PATH = '/revocations/'

/** The path of the revocation a relay holds for `site` (a canonical site name). */
export function revocationPath(site: string): string {
  return `${REVOCATIONS_PATH}${encodeURIComponent(site)}`
}

/** `GET`: the public site directory, sites whose owners opted in (JSON `{ sites: [...] }`). */
export const DIRECTORY_PATH = '/directory'

/** The signed record's `meta` key by which an owner lists a site in the relays' directory. */
export const DIRECTORY_META_KEY = 'directory'

/** The value of `meta.directory` that lists the site. */
export const DIRECTORY_META_LISTED = 'listed'
