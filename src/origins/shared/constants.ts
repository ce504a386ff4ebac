/**
 * Names, paths and limits shared by the shell, the site-origin pages, the service workers and
 * the relay (which imports them as `@alternet/origins/shared`): every `/__an/` path is here.
 * See docs/ORIGINS.md.
 * @module
 */

/** Version of the shell ↔ bridge ↔ service worker messages; a peer speaking another one is ignored. */
export const BRIDGE_PROTOCOL_VERSION = 1

/** Path prefix a site origin keeps for Alternet's own files; site content never lives under it. */
export const RESERVED_PREFIX = '/__an/'

/** The bridge page on every site origin. */
export const BRIDGE_PATH = '/__an/bridge.html'

/** The site origin's service worker script (served with `Service-Worker-Allowed: /`). */
export const SITE_SW_PATH = '/__an/site-sw.js'

/** The app origin's service worker script. */
export const APP_SW_PATH = '/sw.js'

/** The escape hatch: unregisters every service worker of its origin and deletes its caches. */
export const RESET_PATH = '/__an/reset.html'

/**
 * The page on every site origin that wipes what the browser keeps there (offline copies, the
 * site's service worker, its own storage); the relay serves it only to the app, with
 * `Clear-Site-Data`. See docs/ORIGINS.md, "Clearing".
 */
export const SITE_CLEAR_PATH = '/__an/clear'

/**
 * The built file behind `SITE_CLEAR_PATH` (`public/__an/clear.html` with
 * `src/origins/site/clear-page.ts`); the relay never serves it under its own name.
 */
export const SITE_CLEAR_FILE = '/__an/clear.html'

/** What the clear page posts to the app (its parent) once its origin is wiped. */
export const SITE_CLEARED_MESSAGE = 'an-site-cleared'

/** The shell's viewer route: `<app origin>/#/view/an://<site><path><query>` (the relay's 302 uses it too). */
export const VIEW_ROUTE = '#/view/'

/** The shell's form for a new version of a site: `<app origin>/#/publish/<site, percent-encoded>`. */
export const PUBLISH_ROUTE = '#/publish/'

// The `x-an-*` header names are the core's HTTP vocabulary.
export { ERROR_HEADER, OFFLINE_COPY_HEADER, REASON_HEADER } from '../../core/http/headers.ts'

/** Request headers a site's request may carry to the node; all others are dropped. */
export const FORWARDED_REQUEST_HEADERS = ['range', 'if-none-match', 'accept'] as const

/** Longest request path (with query) the shell accepts from a bridge, in characters. */
export const MAX_REQUEST_PATH_LENGTH = 2048

/** Time for a bridge frame to load, register its service worker and say it is ready, in ms. */
export const DEFAULT_BRIDGE_READY_TIMEOUT = 20_000

/**
 * Time the site service worker waits for the response head of one request, in ms. It covers
 * the node's start when a site is opened with the app (a shared link) and the node's own
 * timeouts (dial 8–10 s per host), so it only fires when the shell is gone.
 */
export const DEFAULT_RESPONSE_TIMEOUT = 60_000

/**
 * Time a bridge page not yet connected to its app (the app tab still starting) holds a site
 * worker's request that asked it to wait, in ms; then the worker gets the worded error.
 */
export const BRIDGE_CONNECT_WAIT = 10_000

/** Requests a bridge page holds at once while it waits for its app; more are refused at once. */
export const MAX_HELD_REQUESTS = 64

/**
 * The `name` of the shell's site frame: the bridge page finds its site's document by it (the
 * frame is in the app's shadow DOM, out of `parent.frames`), to report which way it scrolls.
 */
export const SITE_FRAME_NAME = 'an-site'

/**
 * Least time between two scroll reports of one bridge, in ms: the bridge sends at most one per
 * interval (the last direction at its end), the shell drops what comes faster.
 */
export const SCROLL_REPORT_INTERVAL = 150

/** Bridge frames a shell keeps open; the least recently used one is closed past this. */
export const DEFAULT_MAX_BRIDGES = 8

/**
 * Body messages in flight per response (the receiver's credit): the sender never waits for a
 * round trip per message, and a reader that stops reading holds at most this many.
 */
export const CHUNK_CREDIT = 8

/**
 * Largest body message, in bytes: the chunks the source has ready are packed into one message
 * up to this size (four 256 KiB blocks), so a 20 MiB file crosses in about 20 messages.
 */
export const MAX_CHUNK_BYTES = 1024 * 1024
