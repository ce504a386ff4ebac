/**
 * The app's own relay's well-known document, asked for as the app starts, beside its first
 * screen and the node's code, instead of after the node is made: the node's first dial of that
 * relay then starts from the answer (`fetchRelayDocument` takes it, once). A document asked for
 * more than {@link EARLY_DOCUMENT_MAX_AGE_MS} before the node takes it is not used (the relay
 * may have changed its addresses since): the node asks again.
 * @module
 */
import { WELL_KNOWN_PATH } from '../../core/contracts/relay-paths.ts'
import { WELL_KNOWN_TIMEOUT_MS } from './constants.ts'

/** How long an early answer stays usable, in ms from when it was asked for. */
export const EARLY_DOCUMENT_MAX_AGE_MS = 30_000

/**
 * How the well-known document is always asked for: never from a cache, and never with the
 * relay's cookies (any site can set cookies on the app's parent domain).
 */
export const RELAY_DOCUMENT_REQUEST: RequestInit = { cache: 'no-store', credentials: 'omit' }

/** Answers asked for early, by the document's URL. */
const early = new Map<string, { response: Promise<Response>; at: number }>()

/**
 * Asks for the well-known document of the relay at `origin` now (once per document), bounded
 * by `WELL_KNOWN_TIMEOUT_MS` from now.
 * @example
 * ```ts
 * askRelayDocumentEarly(location.origin)
 * ```
 */
export function askRelayDocumentEarly(origin: string): void {
  if (typeof fetch !== 'function') return
  const url = new URL(WELL_KNOWN_PATH, origin).href
  if (early.has(url)) return
  const response = fetch(url, {
    ...RELAY_DOCUMENT_REQUEST,
    signal: AbortSignal.timeout(WELL_KNOWN_TIMEOUT_MS),
  })
  // Its failure is the taker's to see; an answer nobody takes is dropped quietly.
  response.catch(() => undefined)
  early.set(url, { response, at: Date.now() })
}

/** The answer asked for early for the document at `url`, once, while it is fresh; else undefined. */
export function takeEarlyRelayDocument(url: string): Promise<Response> | undefined {
  const found = early.get(url)
  early.delete(url)
  return found !== undefined && Date.now() - found.at <= EARLY_DOCUMENT_MAX_AGE_MS
    ? found.response
    : undefined
}
