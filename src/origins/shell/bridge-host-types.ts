/**
 * What the shell's bridge host (`bridge-host.ts`) offers and is given: the node's fetch it
 * answers site requests with, its settings, its `document` event and its methods.
 * @module
 */
import type { StreamMode } from '../shared/port-stream.ts'

/** What the node's fetch is given: GET or HEAD, with Range / If-None-Match / Accept at most. */
export interface BridgeFetchInit {
  method: 'GET' | 'HEAD'
  headers: Headers
}

/** The node's fetch for `an://` URLs (the peer facade's `fetch`). */
export type AnFetch = (anUrl: string, init: BridgeFetchInit) => Promise<Response>

/** Options of {@link createBridgeHost}. */
export interface BridgeHostInit {
  /** Answers every site request; errors are responses with `x-an-error`, or thrown. */
  fetch: AnFetch
  /** @default location.origin */
  appOrigin?: string
  /** Where the hidden bridge frames are put. @default document.body */
  container?: HTMLElement
  /** How response bodies cross to the site origin. @default 'auto' (transfer streams where possible) */
  streamMode?: StreamMode
  /** @default DEFAULT_BRIDGE_READY_TIMEOUT */
  readyTimeout?: number
  /** @default DEFAULT_MAX_BRIDGES */
  maxBridges?: number
  /**
   * When `show` opens a new bridge, ask `fetch` for the document (`GET` of the address) at
   * once, while the bridge frame and its service worker load: the name resolves, the manifest
   * arrives, the hosts are dialled and the document's first bytes are read in parallel. The
   * site worker's request for that document (the bridge's first, with no Range or
   * If-None-Match) is answered with that response; it is dropped when the bridge's first
   * request is anything else, when the bridge closes, or when no request takes it in time.
   * @default false
   */
  warmUp?: boolean
}

/** Detail of the `document` event: the site frame was answered a document. */
export interface SiteDocumentDetail {
  site: string
  /** Path and query on the site. */
  path: string
  /** `an://site/path?query`, for the address bar. */
  address: string
  status: number
  /** When the document is an offline copy: when it was made (ISO 8601). */
  offlineCopy?: string
  /** When the document is a failure page: the typed error's name (`NameNotFoundError`…). */
  error?: string
}

/** Detail of the `scroll` event: which way the person scrolled a site's frame. */
export interface SiteScrollDetail {
  site: string
  direction: 'up' | 'down'
}

/**
 * The shell's bridges. Events: `open` (CustomEvent<{ site }>: a new bridge frame starts loading),
 * `document` (CustomEvent<SiteDocumentDetail>) and `scroll` (CustomEvent<SiteScrollDetail>).
 */
export interface BridgeHost extends EventTarget {
  readonly appOrigin: string
  /** The origin of `site`. */
  siteOrigin(site: string): string
  /** The URL for a site frame's `src` (throws `InvalidNameError` on a bad address). */
  siteUrl(address: string): string
  /** Opens (or reuses) the bridge for `site`; resolves once requests can flow. */
  connect(site: string, options?: { signal?: AbortSignal }): Promise<void>
  /**
   * As `show` without a frame: the bridge of `address`'s site opens and, when it is new and
   * `warmUp` is set, its document is asked for, to answer the site worker's first request
   * (the address bar's look-ahead, before Go).
   */
  prepare(address: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Connects the site's bridge, then points `frame` at the address; resolves to the URL set. */
  show(
    frame: HTMLIFrameElement,
    address: string,
    options?: { signal?: AbortSignal },
  ): Promise<string>
  /**
   * Asks the bridge of `site` to report which way the site frame (named `SITE_FRAME_NAME`)
   * scrolls: called when that frame loaded a document of the site.
   */
  followScroll(site: string): void
  /** Closes the bridge of `site` (its frame is removed). */
  disconnect(site: string): void
  /** Closes every bridge and stops listening. */
  close(): void
}
