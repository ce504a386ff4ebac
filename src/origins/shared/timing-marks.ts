/**
 * The User Timing marks (`performance.mark`) the app and the site-origin pages set at each stage
 * of starting and of showing a site, so that what a visit waits on can be read in the browser's
 * performance timeline (DevTools, or `performance.getEntriesByName`; `npm run bench` reads
 * them). A mark costs a few microseconds; each is set once per stage of a visit to a site whose
 * bridge is not open yet (the first request of a bridge), and once per start.
 * @module
 */

/** The marks, by stage. App page unless said otherwise. */
export const TIMING_MARKS = {
  /** The node's start begins (after the first paint): its chunk is fetched and evaluated. */
  nodeStart: 'an:node-start',
  /** The node runs: the session is `running`. */
  nodeRunning: 'an:node-running',
  /** Go was pressed (or a link opened) for a site whose bridge is not open yet. */
  bridgeOpen: 'an:bridge-open',
  /** The early `GET` of that document was answered: name resolved, manifest read, hosts dialled, first bytes read. */
  warmUp: 'an:warm-up',
  /** The bridge said it is ready: its page loaded and the site worker is active. */
  bridgeReady: 'an:bridge-ready',
  /** The site's first request reached the app from its bridge (the site worker asked). */
  siteRequest: 'an:site-request',
  /** The node answered that first request (status and headers; the body follows). */
  siteAnswer: 'an:site-answer',
  /** Bridge page (site origin): its script runs (the page and its script have loaded). */
  bridgeStart: 'an:bridge-start',
  /** Bridge page (site origin): the site worker's registration returned. */
  swRegistered: 'an:sw-registered',
  /** Bridge page (site origin): the site worker is active (`serviceWorker.ready`). */
  swReady: 'an:sw-ready',
  /** Site worker: its script runs (fetched and being evaluated). */
  swScript: 'an:sw-script',
  /** Site worker: its `install` event. */
  swInstall: 'an:sw-install',
  /** Site worker: its `activate` event. */
  swActivate: 'an:sw-activate',
  /** Site worker: its first request for a document (the site frame's navigation) arrived. */
  swNavigate: 'an:sw-navigate',
  /** Node: the name of a site not answered lately resolved (the first request of a visit). */
  nameResolved: 'an:name-resolved',
  /** Node: that request found its first sources (hosts connected or mirrors answering). */
  firstSources: 'an:first-sources',
  /** Node: that request's manifest is verified. */
  manifestVerified: 'an:manifest-verified',
  /** Node: that request's body has its first verified bytes (the answer goes out). */
  firstBytes: 'an:first-bytes',
} as const

/** Sets the mark `name` now, where the runtime has marks (the latest of a name is the current visit's). */
export function timingMark(name: string): void {
  globalThis.performance?.mark?.(name)
}
