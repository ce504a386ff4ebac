/**
 * Constants of site mirrors as visitors and publishers see them. See docs/PROTOCOL.md, "Mirrors".
 * @module
 */

/** The libp2p protocol a mirror answers status questions on ("do you hold this site?"). See "Mirror status". */
export const MIRROR_PROTOCOL = '/an/mirror/1.0.0'

/** Longest a status question to a mirror may take. */
export const MIRROR_STATUS_TIMEOUT_MS = 5_000

/** Largest status message, each way: room for about 100 pre-signed records (a month ahead, a day apart). */
export const MAX_MIRROR_STATUS_BYTES = 64 * 1024

/** Longest a visitor looks in the DHT for mirrors (provider records of the content root) when no connected relay mirrors the site. */
export const DEFAULT_MIRROR_LOOKUP_TIMEOUT_MS = 4_000

/** Mirrors a visitor asks at most for one site. */
export const MAX_MIRRORS_ASKED = 8

/** Relays that mirror each site, as relays place them (`--mirror-replicas`'s default). */
export const DEFAULT_MIRROR_REPLICAS = 3

/** Longest a publisher waits for its site to reach the mirrors before publishing is reported done. */
export const DEFAULT_MIRROR_WAIT_MS = 120_000

/** How often a publisher asks the mirrors how far their copies are. */
export const DEFAULT_MIRROR_POLL_INTERVAL_MS = 500

/** After this long, a publisher stops waiting for mirrors as soon as none is copying the site (fewer than R may hold it, e.g. a smaller network). */
export const DEFAULT_MIRROR_IDLE_MS = 10_000

/** Once every mirror known holds the site but fewer than R are known, how long a publisher still waits for more to appear. */
export const DEFAULT_MIRROR_SETTLE_MS = 3_000
