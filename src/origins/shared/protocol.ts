/**
 * The messages between the shell (app origin), the bridge page (site origin) and the site
 * origin's service worker. Everything here is structured-clone data; errors cross as plain
 * `{ name, message }` objects on purpose. The flow is in docs/ORIGINS.md, "Message protocol".
 *
 * ```
 * bridge  → shell  (window.postMessage, targetOrigin = app origin)   BridgeReady
 * shell   → bridge (window.postMessage, targetOrigin = site origin)  BridgeConnect + shell port
 * SW      → bridge (Client.postMessage)                              SwRequest + response port
 * bridge  → shell  (shell port)                                      SiteRequest + response port
 * shell   → SW     (response port)                                   ResponseHead, then body
 * SW      → bridge (Client.postMessage)                              DocumentServed
 * bridge  → shell  (shell port)                                      DocumentServed
 * shell   → bridge (window.postMessage, targetOrigin = site origin)  FollowScroll
 * bridge  → shell  (window.postMessage, targetOrigin = app origin)   SiteScrolled
 * ```
 * @module
 */
import { BRIDGE_PROTOCOL_VERSION } from './constants.ts'

/** An error as plain data: `name` is the typed error's class name. */
export interface PlainError {
  name: string
  message: string
}

/** The bridge has registered its service worker and waits for the shell's port. */
export interface BridgeReady {
  type: 'an-bridge-ready'
  v: typeof BRIDGE_PROTOCOL_VERSION
}

/** The shell hands the bridge its port (in `event.ports[0]`), bound to one site. */
export interface BridgeConnect {
  type: 'an-bridge-connect'
  v: typeof BRIDGE_PROTOCOL_VERSION
  site: string
}

/** The site service worker asks the bridge for one request; the response port is `event.ports[0]`. */
export interface SwRequest {
  type: 'an-sw-request'
  v: typeof BRIDGE_PROTOCOL_VERSION
  method: string
  /** Absolute URL on the site origin. */
  url: string
  headers: [string, string][]
  /**
   * The bridge holds the request until its app connects (at most `BRIDGE_CONNECT_WAIT`)
   * instead of refusing it at once: asked when no bridge of this origin is connected yet.
   */
  wait?: boolean
}

/** The bridge passes a request on to the shell; the response port is `event.ports[0]`. */
export interface SiteRequest {
  type: 'an-request'
  v: typeof BRIDGE_PROTOCOL_VERSION
  method: string
  /** Path and query on the site, starting with '/'. */
  path: string
  headers: [string, string][]
}

/** How a response body crosses the response port. */
export type BodyMode = 'none' | 'stream' | 'chunks'

/** The first message on a response port: status and headers, then the body as `body` says. */
export interface ResponseHead {
  type: 'an-response'
  v: typeof BRIDGE_PROTOCOL_VERSION
  status: number
  statusText: string
  headers: [string, string][]
  body: BodyMode
  /** The body itself when `body` is 'stream' (a transferred ReadableStream). */
  stream?: ReadableStream<Uint8Array>
}

/** The request could not be answered at all (no response). */
export interface ResponseError {
  type: 'an-response-error'
  v: typeof BRIDGE_PROTOCOL_VERSION
  error: PlainError
}

/** Body messages when `body` is 'chunks'; the receiver grants credit with {@link BodyPull}. */
export type BodyMessage =
  | { type: 'an-chunk'; bytes: Uint8Array }
  | { type: 'an-end' }
  | { type: 'an-abort'; error: PlainError }

/** Receiver → sender when `body` is 'chunks': send `credit` more chunks, or stop. */
export type BodyPull = { type: 'an-pull'; credit: number } | { type: 'an-cancel' }

/** A document (a frame navigation) was answered: the shell learns where the site frame is. */
export interface DocumentServed {
  type: 'an-document'
  v: typeof BRIDGE_PROTOCOL_VERSION
  /** Path and query on the site. */
  path: string
  status: number
  /** When the answer is an offline copy: when that copy was made (ISO 8601). */
  offlineCopy?: string
  /** When the answer is a failure page: the typed error's name. */
  error?: string
}

/** The site frame loaded a document: the bridge follows its scrolling (found by `SITE_FRAME_NAME`). */
export interface FollowScroll {
  type: 'an-follow-scroll'
  v: typeof BRIDGE_PROTOCOL_VERSION
}

/** Which way the person scrolled the site: a direction only, at most one per `SCROLL_REPORT_INTERVAL`. */
export interface SiteScrolled {
  type: 'an-scrolled'
  v: typeof BRIDGE_PROTOCOL_VERSION
  direction: 'up' | 'down'
}

/** Any message on a response port, sender to receiver. */
export type ResponsePortMessage = ResponseHead | ResponseError | BodyMessage

/** True when `data` is an object with this `type` and our protocol version. */
export function isMessage<T extends { type: string }>(data: unknown, type: T['type']): data is T {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === type &&
    (data as { v?: unknown }).v === BRIDGE_PROTOCOL_VERSION
  )
}

/** An error as plain data, for crossing a port. */
export function toPlainError(error: unknown): PlainError {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}

/** A plain error back as an `Error` with the same `name`. */
export function fromPlainError(plain: PlainError): Error {
  const error = new Error(plain.message)
  error.name = plain.name
  return error
}
