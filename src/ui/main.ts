/**
 * The app's entry point: hands the session (the browser peer, the bridges to site origins, the
 * app-shell service worker) to `<an-app>`, which paints its first screen, and only then starts
 * the node: its chunk (libp2p, the naming service) is fetched and evaluated after the first
 * paint, with "Connecting…" shown meanwhile.
 * @module
 */
// First: the Trusted Types policy must exist before any script URL reaches a sink.
import '../origins/shell/trusted-types.ts'
import './elements/an-app.ts'
import { afterFirstPaint } from './session/after-first-paint.ts'
import { AlternetSession } from './session/alternet-session.ts'

const session = new AlternetSession()
const app =
  document.querySelector('an-app') ?? document.body.appendChild(document.createElement('an-app'))
app.replaceChildren()
app.session = session
void afterFirstPaint().then(() => session.start())
