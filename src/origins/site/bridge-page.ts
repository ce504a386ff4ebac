/**
 * The bridge page, `/__an/bridge.html` on every site origin, shown in a hidden frame of the
 * shell. It registers the site origin's service worker, takes the shell's port (only from
 * the app origin, only from its parent) and passes the worker's requests on to the shell.
 * Response bodies flow from the shell straight to the worker on the per-request port.
 * See docs/ORIGINS.md, "Message protocol".
 * @module
 */
import { BRIDGE_PROTOCOL_VERSION, SITE_SW_PATH } from '../shared/constants.ts'
import { BridgeNotConnectedError } from '../shared/errors.ts'
import { sendResponseError } from '../shared/port-stream.ts'
import {
  isMessage,
  type BridgeConnect,
  type BridgeReady,
  type DocumentServed,
  type SiteRequest,
  type SwRequest,
} from '../shared/protocol.ts'
import { appOriginOf, siteOfOrigin } from '../shared/site-origin.ts'
import { TIMING_MARKS, timingMark } from '../shared/timing-marks.ts'

const site = siteOfOrigin(location.origin)
const appOrigin = appOriginOf(location.origin)
let shell: MessagePort | undefined

/** Shows `text` on the page (once its body is parsed: the script runs from the page's head). */
function say(text: string): void {
  const line = document.getElementById('status')
  if (line !== null) line.textContent = text
  else if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => say(text), { once: true })
}

function onSwMessage(event: MessageEvent): void {
  // Only this origin's service worker talks to the bridge through the container.
  if (event.origin !== location.origin || !(event.source instanceof ServiceWorker)) return
  const data: unknown = event.data
  if (isMessage<SwRequest>(data, 'an-sw-request')) {
    const port = event.ports[0]
    if (port === undefined) return
    if (shell === undefined)
      return sendResponseError(
        port,
        new BridgeNotConnectedError('This bridge was not opened by the Alternet app.'),
      )
    const url = new URL(data.url)
    if (url.origin !== location.origin)
      return sendResponseError(
        port,
        new BridgeNotConnectedError('The request is not for this site.'),
      )
    const request: SiteRequest = {
      type: 'an-request',
      v: BRIDGE_PROTOCOL_VERSION,
      method: data.method,
      path: url.pathname + url.search,
      headers: data.headers,
    }
    shell.postMessage(request, [port])
  } else if (isMessage<DocumentServed>(data, 'an-document')) {
    shell?.postMessage(data)
  }
}

function onWindowMessage(event: MessageEvent): void {
  if (event.origin !== appOrigin || event.source !== window.parent) return
  const data: unknown = event.data
  if (!isMessage<BridgeConnect>(data, 'an-bridge-connect') || data.site !== site) return
  const port = event.ports[0]
  if (port === undefined) return
  shell?.close()
  shell = port
  shell.start()
  say(`Connected: ${site}`)
}

async function start(): Promise<void> {
  timingMark(TIMING_MARKS.bridgeStart)
  if (window.parent === window) {
    say('This page connects a site to the Alternet app. It does nothing on its own.')
    return
  }
  if (!('serviceWorker' in navigator)) {
    say(
      'This browser cannot run service workers here, so Alternet cannot show sites in their own origins.',
    )
    return
  }
  navigator.serviceWorker.addEventListener('message', onSwMessage)
  navigator.serviceWorker.startMessages()
  window.addEventListener('message', onWindowMessage)
  const registration = await navigator.serviceWorker.register(SITE_SW_PATH, {
    scope: '/',
    updateViaCache: 'none',
  })
  // A worker installing from this registration was fetched just now: asking for an update
  // would fetch the same script a second time, during the site's first visit. Only a worker
  // that was already there (an earlier build, maybe) is checked against the relay's.
  const installed = registration.active !== null
  timingMark(TIMING_MARKS.swRegistered)
  await navigator.serviceWorker.ready
  timingMark(TIMING_MARKS.swReady)
  if (installed) void registration.update().catch(() => {})
  const ready: BridgeReady = { type: 'an-bridge-ready', v: BRIDGE_PROTOCOL_VERSION }
  // targetOrigin: nothing is said to a parent that is not the app.
  window.parent.postMessage(ready, appOrigin)
  say(`Ready: ${site}`)
}

start().catch((error: unknown) => say(`The bridge could not start: ${String(error)}`))
