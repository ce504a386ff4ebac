/**
 * How the viewer waits for a site: cut short with words when it cannot come (no network, no relay
 * answering, no copy here), and Reload's fresh look-up of the name.
 * @module
 */
import { parseAddress } from '../core/names/index.ts'
import type { AlternetSession } from './session/alternet-session.ts'
import { allRelaysFailing, withinOffline, withinRelays } from './session/online-state.ts'
import { recentSites } from './session/recent-sites.ts'

/** How long Reload waits for the network's newest record of the name before showing the cached one. */
export const RELOAD_LOOKUP_MS = 5_000

/**
 * `showing` (the bridge showing `site` in the frame), bounded: with no network, or no relay
 * answering, a site this device has no copy of fails in seconds, with words, instead of after
 * every timeout of the node. A site opened lately may still come from its copy here once the
 * node's own tries time out: only a site never opened is cut short when no relay answers.
 * A site cut short has its bridge closed (its frame holds the browser's own error page), to be
 * made anew later.
 */
export async function showWithin(
  session: AlternetSession | undefined,
  site: string,
  showing: Promise<unknown>,
): Promise<void> {
  const seen = recentSites().some((recent) => recent.site === site)
  const bounded =
    session?.online === false
      ? withinOffline(showing)
      : seen
        ? showing
        : withinRelays(showing, () => allRelaysFailing(session?.status?.relays))
  await bounded.catch((error: unknown) => {
    const name = (error as Error)?.name
    if (name === 'OfflineError' || name === 'NoRelayError') session?.bridges?.disconnect(site)
    throw error
  })
}

/**
 * Reload means the newest version: the name is looked up on the network first, so the page
 * does not come from the cached record (kept until its TTL passes) while "About this name"
 * already shows the new version. Offline, or past {@link RELOAD_LOOKUP_MS}, the cache serves.
 */
export async function lookUpAfresh(
  session: AlternetSession | undefined,
  address: string,
): Promise<void> {
  const peer = session?.peer
  if (peer === undefined || session?.online === false) return
  let site: string
  try {
    site = parseAddress(address).site
  } catch {
    return
  }
  await peer
    .resolve(site, { fresh: true, signal: AbortSignal.timeout(RELOAD_LOOKUP_MS) })
    .catch(() => undefined)
}
