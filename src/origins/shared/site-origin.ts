/**
 * Where a site lives in the browser: one origin per site, `<label>.<app host>`, with the label
 * from `toOriginLabel`. Pure functions, used by the shell, the bridge page and the service
 * workers alike. See docs/ORIGINS.md.
 * @module
 */
import { fromOriginLabel, parseAddress, toOriginLabel } from '../../core/names/index.ts'
import { MAX_REQUEST_PATH_LENGTH, PUBLISH_ROUTE, RESERVED_PREFIX, VIEW_ROUTE } from './constants.ts'

/** A request path the shell refuses to fetch for a bridge. */
export class BadRequestPathError extends Error {
  override name = 'BadRequestPathError'
}

/**
 * The origin of `site` under the app's origin.
 * @example siteOrigin('api.mysite:code', 'http://an.localhost:8780') // 'http://api-mysite--code.an.localhost:8780'
 */
export function siteOrigin(site: string, appOrigin: string): string {
  const app = new URL(appOrigin)
  return `${app.protocol}//${toOriginLabel(site)}.${app.host}`
}

/**
 * The app's origin seen from a site origin: the same scheme and port, the first label dropped.
 * @example appOriginOf('http://api-mysite--code.an.localhost:8780') // 'http://an.localhost:8780'
 */
export function appOriginOf(origin: string): string {
  const url = new URL(origin)
  const dot = url.host.indexOf('.')
  if (dot < 0)
    throw new TypeError(`${origin} is not a site origin: it has no label under the app host`)
  return `${url.protocol}//${url.host.slice(dot + 1)}`
}

/** The site a site origin stands for; throws `InvalidNameError` for a label that is not one. */
export function siteOfOrigin(origin: string): string {
  const host = new URL(origin).hostname
  return fromOriginLabel(host.slice(0, host.indexOf('.')))
}

/**
 * The http(s) URL on the site's origin for an `an://` address (or `web+an:`, or a bare
 * `name:topic`), for the site frame's `src`.
 * @example siteUrl('an://mysite:code/docs/?q', 'http://an.localhost:8780') // 'http://mysite--code.an.localhost:8780/docs/?q'
 */
export function siteUrl(address: string, appOrigin: string): string {
  const parsed = parseAddress(address)
  const url = `${siteOrigin(parsed.site, appOrigin)}${parsed.path}${parsed.query}${parsed.fragment}`
  // Our own pages on the site origin (reset, clear, bridge) are never shown as the site: the
  // app's frame may load them, so an address could otherwise make the app wipe a site.
  if (new URL(url).pathname.startsWith(RESERVED_PREFIX))
    throw new BadRequestPathError(`${RESERVED_PREFIX} is not site content.`)
  return url
}

/** The `an://` address a URL on a site origin stands for. */
export function addressOfSiteUrl(url: string): string {
  const parsed = new URL(url)
  return `an://${siteOfOrigin(parsed.origin)}${parsed.pathname}${parsed.search}${parsed.hash}`
}

/**
 * The shell's viewer URL for an address as it stands after the route: an `an://` URL, or `%s`
 * in the `web+an` protocol handler's template (the browser puts the whole link there,
 * percent-encoded). Every viewer URL is built here, through this or `viewerUrl`.
 * @example viewerAddressUrl('http://an.localhost:8780', 'an://mysite:code/a') // 'http://an.localhost:8780/#/view/an://mysite:code/a'
 */
export function viewerAddressUrl(appOrigin: string, address: string): string {
  return `${appOrigin}/${VIEW_ROUTE}${address}`
}

/**
 * The shell's viewer for a site path: where a top-level navigation to a site origin is sent,
 * by the site's service worker and by the relay's 302 for a first visit alike.
 */
export function viewerUrl(appOrigin: string, site: string, pathAndQuery: string): string {
  return viewerAddressUrl(appOrigin, `an://${site}${pathAndQuery}`)
}

/**
 * The shell's Publish form for `site` (a name nobody published yet, or a new version of one).
 * @example publishUrl('http://an.localhost:8780', 'mysite:code') // 'http://an.localhost:8780/#/publish/mysite%3Acode'
 */
export function publishUrl(appOrigin: string, site: string): string {
  return `${appOrigin}/${PUBLISH_ROUTE}${encodeURIComponent(site)}`
}

/**
 * A response's `Location` as the site frame must see it: an `an://` address becomes the URL
 * on that site's origin (the same origin for a folder redirect); anything else is kept.
 */
export function rewriteLocation(location: string, appOrigin: string): string {
  if (!/^an:\/\//i.test(location)) return location
  return siteUrl(location, appOrigin)
}

/**
 * The `an://` URL the shell fetches for a bridge's request: the site is the one the shell bound
 * the bridge to, never anything the request says. Throws `BadRequestPathError` unless `path`
 * is an origin-relative path (with an optional query) outside the reserved `/__an/` prefix.
 */
export function requestAnUrl(site: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_REQUEST_PATH_LENGTH) {
    throw new BadRequestPathError('The request path is missing or too long.')
  }
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\') || path.includes('#')) {
    throw new BadRequestPathError(
      'The request path must be a path on the site, starting with one "/".',
    )
  }
  const base = 'http://site.invalid'
  const url = new URL(path, base)
  if (url.origin !== base) throw new BadRequestPathError('The request path leaves the site.')
  if (url.pathname.startsWith(RESERVED_PREFIX))
    throw new BadRequestPathError(`${RESERVED_PREFIX} is not site content.`)
  return parseAddress(`an://${site}${url.pathname}${url.search}`).href
}
