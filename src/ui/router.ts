/**
 * The app's routes, kept in the URL's fragment so that the relay serves one page for all of
 * them: `#/view/an://…` (the relay sends top-level visits of site origins there, and the
 * `web+an` protocol handler lands there with the address percent-encoded), `#/publish`,
 * `#/publish/<site>` (a new version of a site), `#/sites`, `#/identity`, `#/settings`.
 * @module
 */

/** The screens of the app. */
export type Screen = 'view' | 'publish' | 'sites' | 'identity' | 'settings'

/** A parsed route. */
export interface Route {
  screen: Screen
  /** `view`: the address as written after `#/view/` (raw or percent-encoded); `publish`: a site to update. */
  argument: string
}

const SCREENS: readonly Screen[] = ['view', 'publish', 'sites', 'identity', 'settings']

/** The route of a URL fragment (`location.hash`); anything unknown is the viewer. */
export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, '')
  const slash = body.indexOf('/')
  const head = slash < 0 ? body : body.slice(0, slash)
  const argument = slash < 0 ? '' : body.slice(slash + 1)
  const screen = (SCREENS as readonly string[]).includes(head) ? (head as Screen) : 'view'
  return { screen, argument: screen === 'view' && head !== 'view' ? '' : argument }
}

/** The fragment of a route. */
export function routeHash(screen: Screen, argument = ''): string {
  return argument === '' ? `#/${screen}` : `#/${screen}/${argument}`
}

/** The app URL that shows `address` in the viewer, for links to share. */
export function viewerLink(address: string, origin: string = location.origin): string {
  return `${origin}/${routeHash('view', address)}`
}
