/**
 * Paths, limits and defaults of the relay's registrar API (`/api/v1/`). The ones an operator may
 * change are flags (see `config.ts` and `--help`).
 * @module
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const DAY = 24 * 60 * MINUTE
const KIB = 1024
const MIB = 1024 * KIB

/** Every API path starts with this. */
export const API_PREFIX = '/api/v1/'
/** The OpenAPI 3.1 description of the API (served without a token). */
export const OPENAPI_PATH = '/api/v1/openapi.json'

/** Requests per minute one client address may make, on average (authenticated or not). */
export const DEFAULT_API_RATE_PER_MINUTE = 600
/** Requests one client address may make at once before its rate applies. */
export const DEFAULT_API_BURST = 60
/** Requests per minute one token may make, on average, from any address. */
export const DEFAULT_API_TOKEN_RATE_PER_MINUTE = 600
/** Largest JSON request body. */
export const MAX_API_JSON_BYTES = 16 * KIB
/** Largest publish upload (a CAR of the record, the manifest and every block). */
export const DEFAULT_API_MAX_PUBLISH_BYTES = 256 * MIB
/** How long a registration runs when the request does not say. */
export const DEFAULT_REGISTRATION_LIFETIME_MS = 365 * DAY
/** Longest registration the API signs. */
export const MAX_REGISTRATION_LIFETIME_MS = 5 * 365 * DAY
/** Longest a token file line may be; tokens are at least `MIN_API_TOKEN_LENGTH` characters. */
export const MAX_API_TOKEN_LINE = 1024
/** Shortest token accepted in the tokens file (a guessable token is refused at start). */
export const MIN_API_TOKEN_LENGTH = 16
/** Longest look-up of a site's mirrors (provider records) for its statistics. */
export const STATS_PROVIDER_LOOKUP_MS = 3 * SECOND
/** Sites whose serving statistics are kept (the least recently served are forgotten first). */
export const MAX_STATS_SITES = 10_000
/** Longest the relay spends putting a published record to the DHT peers closest to its key. */
export const PUBLISH_SPREAD_TIMEOUT_MS = 30 * SECOND
