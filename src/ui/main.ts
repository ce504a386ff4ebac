/**
 * The app's entry point: hands the session (the browser peer, the bridges to site origins, the
 * app-shell service worker) to `<an-app>`, which paints its first screen, and only then starts
 * the node: its code (libp2p, naming, hosting, the store) is fetched and evaluated after the
 * first paint, with "Connecting…" shown meanwhile. The code is asked for here, as the session
 * starts, so it loads while the session waits for the tab's lock on the node. The app's relay's
 * well-known document is asked for at once (a few hundred bytes, no script), so the node dials
 * the relay as soon as it is made.
 * @module
 */
// First: the Trusted Types policy must exist before any script URL reaches a sink.
import '../origins/shell/trusted-types.ts'
import './elements/an-app.ts'
import { afterFirstPaint } from './session/after-first-paint.ts'
import { AlternetSession } from './session/alternet-session.ts'
import { askRelayDocumentEarly, loadPagePeer } from '../net/load-page-peer.ts'
import { TIMING_MARKS, timingMark } from '../origins/shared/timing-marks.ts'

const session = new AlternetSession()
const app =
  document.querySelector('an-app') ?? document.body.appendChild(document.createElement('an-app'))
app.replaceChildren()
app.session = session
const nodeCanRun = !session.missing.some((capability) => capability.essential)
if (nodeCanRun) askRelayDocumentEarly(location.origin)
void afterFirstPaint().then(() => {
  // The session loads the same module when it has the lock; where the node cannot run in this
  // browser, nothing is loaded for it.
  if (nodeCanRun) {
    timingMark(TIMING_MARKS.nodeStart)
    void loadPagePeer().catch(() => undefined)
  }
  return session.start()
})
