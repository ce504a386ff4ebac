/**
 * Wiping what the browser keeps on site origins (docs/ORIGINS.md, "Clearing"): the app cannot
 * reach another origin's storage, so it loads each origin's clear page (served by the relay with
 * `Clear-Site-Data`, and only to the app) in a hidden frame. Used by Settings, and when the
 * person accepts a changed owner key: the new holder's code must not inherit what the old
 * holder's site stored on that origin.
 * @module
 */
import {
  BRIDGE_PROTOCOL_VERSION,
  SITE_CLEAR_PATH,
  SITE_CLEARED_MESSAGE,
} from '../shared/constants.ts'
import { siteOrigin } from '../shared/site-origin.ts'

/** Time one site origin's clear page has to say it is done, in ms. */
export const SITE_CLEAR_TIMEOUT = 20_000

/** Clear pages loaded at once. */
const SITE_CLEAR_PARALLEL = 4

/** Wipes one site origin through its clear page in a hidden frame; resolves to whether it said so. */
function clearSiteOrigin(site: string, appOrigin: string): Promise<boolean> {
  let origin: string
  try {
    origin = siteOrigin(site, appOrigin)
  } catch {
    return Promise.resolve(false)
  }
  return new Promise((resolve) => {
    const frame = document.createElement('iframe')
    const done = (cleared: boolean): void => {
      clearTimeout(timer)
      removeEventListener('message', onMessage)
      frame.remove()
      resolve(cleared)
    }
    const onMessage = (event: MessageEvent): void => {
      const data = event.data as { v?: unknown; type?: unknown } | null
      if (
        event.origin === origin &&
        event.source === frame.contentWindow &&
        data?.v === BRIDGE_PROTOCOL_VERSION &&
        data.type === SITE_CLEARED_MESSAGE
      )
        done(true)
    }
    const timer = setTimeout(() => done(false), SITE_CLEAR_TIMEOUT)
    addEventListener('message', onMessage)
    frame.hidden = true
    frame.title = `Clearing ${site}`
    // The relay serves the clear page only to a page of the app: it checks the Referer's origin.
    frame.referrerPolicy = 'origin'
    frame.src = `${origin}${SITE_CLEAR_PATH}`
    document.body.append(frame)
  })
}

/**
 * Wipes what the browser keeps on each site's origin: the offline copies in Cache Storage, the
 * site's service worker and anything the site stored there. The app cannot reach another
 * origin's storage, so each origin's clear page (served by the relay with `Clear-Site-Data`)
 * does it. Resolves to the sites whose origins did not confirm (the relay was unreachable).
 */
export async function clearSiteOrigins(
  sites: Iterable<string>,
  appOrigin: string = location.origin,
): Promise<string[]> {
  const queue = [...new Set(sites)]
  const failed: string[] = []
  const worker = async (): Promise<void> => {
    for (let site = queue.shift(); site !== undefined; site = queue.shift()) {
      if (!(await clearSiteOrigin(site, appOrigin))) failed.push(site)
    }
  }
  await Promise.all(Array.from({ length: SITE_CLEAR_PARALLEL }, worker))
  return failed
}

/** A changed owner key was accepted while some of its site origins could not be wiped. */
export class SiteOriginsNotClearedError extends Error {
  override name = 'SiteOriginsNotClearedError'
  /** The sites whose origins did not confirm. */
  readonly sites: string[]
  constructor(sites: string[], message: string) {
    super(message)
    this.sites = sites
  }
}

/**
 * Before a changed owner key of `site`'s root is accepted: closes the bridges of the root and
 * its known subdomains (`peer.sitesOfRoot`, through `disconnect`) and wipes their origins, so the new holder's code starts
 * on empty origins (no storage, cookies, service worker or offline copies of the old holder's
 * site). Throws `SiteOriginsNotClearedError` when an origin did not confirm (no relay reachable):
 * the key change must then not be accepted yet.
 */
export async function clearOriginsForKeyChange(
  peer: { sitesOfRoot(site: string): Promise<string[]> },
  site: string,
  disconnect: (site: string) => void,
  appOrigin: string = location.origin,
): Promise<string[]> {
  const sites = await peer.sitesOfRoot(site)
  for (const each of sites) disconnect(each)
  const failed = await clearSiteOrigins(sites, appOrigin)
  if (failed.length > 0)
    throw new SiteOriginsNotClearedError(
      failed,
      `What the earlier owner's site stored in this browser could not be removed for ${failed.join(', ')}.`,
    )
  return sites
}
