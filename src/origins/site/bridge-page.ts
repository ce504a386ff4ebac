/**
 * The bridge page, `/__an/bridge.html` on every site origin, shown in a hidden frame of the
 * shell. It registers the site origin's service worker, takes the shell's port (only from
 * the app origin, only from its parent) and passes the worker's requests on to the shell; a
 * request that arrives before the shell's port (the app tab still starting) may wait for it.
 * Asked by the shell, it reports which way the site's frame scrolls (`scroll-report.ts`).
 * Response bodies flow from the shell straight to the worker on the per-request port.
 * See docs/ORIGINS.md, "Message protocol".
 * @module
 */
import {
  BRIDGE_CONNECT_WAIT,
  BRIDGE_PROTOCOL_VERSION,
  MAX_HELD_REQUESTS,
  SITE_SW_PATH,
} from '../shared/constants.ts'
import { BridgeNotConnectedError } from '../shared/errors.ts'
import { sendResponseError } from '../shared/port-stream.ts'
import {
  isMessage,
  type BridgeConnect,
  type BridgeReady,
  type DocumentServed,
  type FollowScroll,
  type SiteRequest,
  type SwRequest,
} from '../shared/protocol.ts'
import { appOriginOf, siteOfOrigin } from '../shared/site-origin.ts'
import { TIMING_MARKS, timingMark } from '../shared/timing-marks.ts'
import { createScrollReport } from './scroll-report.ts'

const site = siteOfOrigin(location.origin)
const appOrigin = appOriginOf(location.origin)
let shell: MessagePort | undefined
const scrolling = createScrollReport(appOrigin)

/** Shows `text` on the page (once its body is parsed: the script runs from the page's head). */
function say(text: string): void {
  const line = document.getElementById('status')
  if (line !== null) line.textContent = text
  else if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => say(text), { once: true })
}

/** A worker's request held until the app connects (its tab still starting). */
interface Held {
  data: SwRequest
  port: MessagePort
  timer: ReturnType<typeof setTimeout>
}
const held = new Set<Held>()

/** Passes a worker's request (already checked to be for this origin) on to the shell. */
function pass(data: SwRequest, port: MessagePort, to: MessagePort): void {
  const url = new URL(data.url)
  const request: SiteRequest = {
    type: 'an-request',
    v: BRIDGE_PROTOCOL_VERSION,
    method: data.method,
    path: url.pathname + url.search,
    headers: data.headers,
  }
  to.postMessage(request, [port])
}

function notConnected(port: MessagePort, text: string): void {
  sendResponseError(port, new BridgeNotConnectedError(text))
}

/**
 * Holds a request until the app's port arrives, at most `BRIDGE_CONNECT_WAIT`: a bridge whose
 * app tab is still starting answers its worker once connected instead of "no app tab".
 */
function hold(data: SwRequest, port: MessagePort): void {
  if (held.size >= MAX_HELD_REQUESTS)
    return notConnected(port, 'This bridge is waiting for the Alternet app to connect.')
  const entry: Held = {
    data,
    port,
    timer: setTimeout(() => {
      held.delete(entry)
      notConnected(
        port,
        `The Alternet app did not connect to this site within ${BRIDGE_CONNECT_WAIT / 1000} s.`,
      )
    }, BRIDGE_CONNECT_WAIT),
  }
  held.add(entry)
  say(`Waiting for the app: ${held.size} held`)
}

function onSwMessage(event: MessageEvent): void {
  // Only this origin's service worker talks to the bridge through the container.
  if (event.origin !== location.origin || !(event.source instanceof ServiceWorker)) return
  const data: unknown = event.data
  if (isMessage<SwRequest>(data, 'an-sw-request')) {
    const port = event.ports[0]
    if (port === undefined) return
    if (new URL(data.url).origin !== location.origin)
      return notConnected(port, 'The request is not for this site.')
    if (shell !== undefined) return pass(data, port, shell)
    // Only a framed bridge is ever connected by an app: alone, it refuses at once.
    if (data.wait === true && window.parent !== window) return hold(data, port)
    notConnected(port, 'This bridge was not opened by the Alternet app.')
  } else if (isMessage<DocumentServed>(data, 'an-document')) {
    shell?.postMessage(data)
  }
}

function onWindowMessage(event: MessageEvent): void {
  if (event.origin !== appOrigin || event.source !== window.parent) return
  const data: unknown = event.data
  if (isMessage<FollowScroll>(data, 'an-follow-scroll')) return scrolling.follow()
  if (!isMessage<BridgeConnect>(data, 'an-bridge-connect') || data.site !== site) return
  const port = event.ports[0]
  if (port === undefined) return
  shell?.close()
  shell = port
  shell.start()
  for (const entry of held) {
    clearTimeout(entry.timer)
    pass(entry.data, entry.port, port)
  }
  held.clear()
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
