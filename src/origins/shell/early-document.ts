/**
 * A site's document asked of the node before its site worker asks for it: the bridge host
 * (`warmUp`) starts the `GET` when a site is shown and its bridge is new, so the name's
 * resolution, the manifest, the hosts' dial and the first bytes run while the bridge page and
 * the site worker load. The worker's request for that same document takes the answer; anything
 * else lets it go. See docs/ORIGINS.md.
 * @module
 */

/** A document asked of the node early. */
export interface EarlyDocument {
  /** The `an://` URL the site worker's request for it maps to. */
  anUrl: string
  response: Promise<Response>
  /** Lets it go when no request took it in time. */
  timer?: ReturnType<typeof setTimeout>
}

/**
 * Whether `early` is the answer to a request for `anUrl`: a `GET` with no Range and no
 * If-None-Match (the early one asked with neither).
 */
export function answersRequest(
  early: EarlyDocument,
  anUrl: string,
  method: string,
  headers: Headers,
): boolean {
  return (
    early.anUrl === anUrl &&
    method === 'GET' &&
    !headers.has('range') &&
    !headers.has('if-none-match')
  )
}

/** Lets go of an early document no request took: its body is cancelled. */
export function dropEarly(early: EarlyDocument | undefined): void {
  if (early === undefined) return
  clearTimeout(early.timer)
  early.response.then((response) => response.body?.cancel()).catch(() => {})
}
