/**
 * The app's entry point: starts the session (the browser peer, the bridges to site origins,
 * the app-shell service worker) and hands it to `<an-app>`.
 * @module
 */
// First: the Trusted Types policy must exist before any script URL reaches a sink.
import '../origins/shell/trusted-types.ts'
import './elements/an-app.ts'
import { AlternetSession } from './session/alternet-session.ts'

const session = new AlternetSession()
const app =
  document.querySelector('an-app') ?? document.body.appendChild(document.createElement('an-app'))
app.replaceChildren()
app.session = session
void session.start()
