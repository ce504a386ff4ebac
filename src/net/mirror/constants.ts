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

/**
 * How long a visitor takes the connected relays' answers about a site (what each holds of it)
 * for the site's next requests, in ms: a visit's page, style sheets, scripts and images ask
 * once. A mirror that dropped the site meanwhile fails the request to it and is left out, as a
 * host that fails is.
 */
export const NEAR_MIRRORS_TTL_MS = 10_000

/** Sites whose connected relays' answers a visitor keeps at most (the oldest question goes first). */
export const MAX_NEAR_MIRROR_SITES = 32

/**
 * Route streams a visitor opens ahead on each connected relay while a site's name resolves: one
 * for the manifest, one for the page's first chunk (`ready-streams.ts`).
 */
export const READY_ROUTE_STREAMS = 2

/** How long a route stream opened ahead waits for its request before it is closed unused, in ms. */
export const READY_ROUTE_STREAM_MS = 5_000

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

const DAY_MS = 86_400_000

/** How long a site stays up without its publisher's device by default: the pre-signed records run out then. See "Records kept alive". */
export const DEFAULT_KEEP_ALIVE_HORIZON_MS = 30 * DAY_MS

/** The horizons a person picks from when publishing (the record's own 48 h, a week, a month, three months). */
export const KEEP_ALIVE_HORIZONS_MS: readonly number[] = [
  2 * DAY_MS,
  7 * DAY_MS,
  30 * DAY_MS,
  90 * DAY_MS,
]

/** Time between the `created` of two pre-signed records. */
export const DEFAULT_PRESIGN_SPACING_MS = DAY_MS

/** Lifetime (`expires - created`) of each pre-signed record: the longest a record may live. */
export const DEFAULT_PRESIGNED_LIFETIME_MS = 2 * DAY_MS

/** Pre-signed records a mirror keeps per site (the relay's cap). */
export const MAX_PRESIGNED_RECORDS = 100

/** Farthest ahead a pre-signed record's `created` may be (the relay's far limit). */
export const MAX_PRESIGN_AHEAD_MS = 90 * DAY_MS

/** Largest share of `MAX_MIRROR_STATUS_BYTES` one question's records take; more go in further questions. */
export const PRESIGNED_QUESTION_BYTES = 48 * 1024

/** The libp2p protocol a tab pushes a site's manifest and blocks to a relay on. See "Upload". */
export const MIRROR_UPLOAD_PROTOCOL = '/an/mirror-upload/1.0.0'

/** Largest JSON frame of an upload, each way (the offer with its record; the list of blocks needed). */
export const MAX_UPLOAD_MESSAGE_BYTES = 256 * 1024

/** Longest a relay waits for the next frame of an upload, and a tab for an answer, before giving up. */
export const UPLOAD_IDLE_TIMEOUT_MS = 30_000
