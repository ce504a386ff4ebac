/**
 * Test harness page on the app origin (built only into test builds): the production
 * service-worker registration and bridge host, wired to the real peer (`createAlternetPeer`)
 * the way the app wires them. Specs drive it through `window.harness`.
 *
 * URL parameters: `peer=off` starts no node (as when the app has no network);
 * `stream=chunks` sends bodies as chunk messages instead of transferred streams.
 * `holdBridges()` keeps the bridge pages' "ready" from the bridge host until `releaseBridges()`,
 * as while an app tab is still starting: the bridge is loaded and its app has not connected.
 * @module
 */
// First: the app's Trusted Types policy, as in src/ui/main.ts.
import '../../../../src/origins/shell/trusted-types.ts'
import { parseAddress } from '../../../../src/core/names/index.ts'
import { createBridgeHost } from '../../../../src/origins/shell/bridge-host.ts'
import type {
  BridgeHost,
  SiteDocumentDetail,
} from '../../../../src/origins/shell/bridge-host-types.ts'
import { NodeUnavailableError } from '../../../../src/origins/shared/errors.ts'
import { TIMING_MARKS } from '../../../../src/origins/shared/timing-marks.ts'
import type { StreamMode } from '../../../../src/origins/shared/port-stream.ts'
import { registerAppServiceWorker } from '../../../../src/origins/shell/sw-registration.ts'
import { createAlternetPeer, type BrowserPeer } from '../../../../src/net/index.ts'
import { DEFAULT_MEDIA_SIZE, DEMO_CSS, mediaByte } from './demo-site.ts'

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  ),
  (c) => c.charCodeAt(0),
)

const params = new URLSearchParams(location.search)
const statusLine = document.getElementById('status')!
const frame = document.getElementById('site') as HTMLIFrameElement
const sw = registerAppServiceWorker()
document.getElementById('version')!.textContent = sw.pageVersion

let peer: BrowserPeer | undefined
let host: BridgeHost | undefined
const documents: SiteDocumentDetail[] = []
const events: string[] = []
/** Every fetch the bridge host asked of the node, in order, with whether a bridge was ready then. */
const asked: { method: string; url: string; bridgeReady: boolean }[] = []
sw.addEventListener('update-available', () => events.push('update-available'))
sw.addEventListener('offline-ready', () => events.push('offline-ready'))

/** A response body held after its first chunk until the spec opens the gate. */
interface Gate {
  path: string
  used: boolean
  /** The first chunk went out; the rest waits. */
  reached: boolean
  open: () => void
  opened: Promise<void>
}
let gate: Gate | undefined

function gated(response: Response): Response {
  const current = gate
  if (current === undefined || current.used || response.body === null) return response
  current.used = true
  const reader = response.body.getReader()
  let first = true
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!first) await current.opened
      const { done, value } = await reader.read()
      if (done) return controller.close()
      controller.enqueue(value)
      if (first) current.reached = true
      first = false
    },
    cancel: (reason) => reader.cancel(reason),
  })
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}

/** Bridge pages' "ready" messages kept from the bridge host while held. */
let heldReady: MessageEvent[] | undefined
window.addEventListener(
  'message',
  (event) => {
    if (heldReady === undefined || (event.data as { type?: unknown })?.type !== 'an-bridge-ready')
      return
    event.stopImmediatePropagation()
    heldReady.push(event)
  },
  { capture: true },
)

function bridgeHost(): BridgeHost {
  if (host === undefined) {
    host = createBridgeHost({
      fetch: anFetch,
      streamMode: (params.get('stream') as StreamMode | null) ?? 'auto',
      warmUp: params.has('warm-up'),
    })
    host.addEventListener('document', (event) =>
      documents.push((event as CustomEvent<SiteDocumentDetail>).detail),
    )
  }
  return host
}

async function anFetch(
  url: string,
  init: { method: 'GET' | 'HEAD'; headers: Headers },
): Promise<Response> {
  asked.push({
    method: init.method,
    url,
    bridgeReady: performance.getEntriesByName(TIMING_MARKS.bridgeReady, 'mark').length > 0,
  })
  if (peer === undefined) throw new NodeUnavailableError('The node is not running.')
  const response = await peer.fetch(url, init)
  return gate !== undefined && parseAddress(url).path === gate.path ? gated(response) : response
}

const harness = {
  sw,
  documents,
  events,
  asked,
  /** Starts the real peer against the relay that served this page. */
  async startPeer(): Promise<string> {
    peer = await createAlternetPeer({
      relays: [location.origin],
      dev: { allowPrivateAddresses: true, allowInsecureWebSockets: true },
    })
    statusLine.textContent = `Peer ${peer.peerId.toString()}`
    return peer.peerId.toString()
  },
  /** Publishes the demo site (page, stylesheet, script, image, sub-folder page, 3 MiB media) under `site`. */
  async publishDemo(
    site: string,
    mediaSize = DEFAULT_MEDIA_SIZE,
  ): Promise<{ root: string; accepted: number }> {
    if (peer === undefined) throw new Error('startPeer first')
    const media = new Uint8Array(mediaSize)
    for (let i = 0; i < media.length; i++) media[i] = mediaByte(i)
    const files = [
      {
        path: '/index.html',
        content: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo ${site}</title><link rel="stylesheet" href="style.css"></head>
<body><h1>Hello from ${site}</h1><img id="pic" src="img.png" alt="a pixel" width="1" height="1"><p><a id="sub" href="sub/">Sub-folder page</a></p><script src="script.js"></script></body></html>`,
      },
      { path: '/style.css', content: DEMO_CSS },
      { path: '/script.js', content: 'document.body.dataset.ran = "yes"\n' },
      { path: '/img.png', content: PNG },
      {
        path: '/sub/index.html',
        content: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sub of ${site}</title></head><body><h1>Sub-folder page</h1><p><a href="../">Back</a></p></body></html>`,
      },
      { path: '/media.bin', content: media, type: 'application/octet-stream' },
    ]
    const result = await peer.publishSite({ site, files })
    return { root: result.root.toString(), accepted: result.accepted }
  },
  /** Shows `address` in the site frame through the site's bridge. */
  async show(address: string): Promise<string> {
    return bridgeHost().show(frame, address)
  },
  /** Opens the bridge of `address`'s site without showing it (not awaited: it may be held). */
  prepare(address: string): void {
    bridgeHost()
      .prepare(address)
      .catch(() => {})
  },
  /** Closes the bridge frame of `site`; its site frame stays. */
  disconnect: (site: string): void => bridgeHost().disconnect(site),
  /** Keeps bridge pages' "ready" from the bridge host from now on. */
  holdBridges(): void {
    heldReady ??= []
  },
  /** How many bridge pages said "ready" while held. */
  heldBridges: (): number => heldReady?.length ?? 0,
  /** Hands the held "ready" messages to the bridge host, as they came. */
  releaseBridges(): void {
    const events = heldReady ?? []
    heldReady = undefined
    for (const event of events)
      window.dispatchEvent(
        new MessageEvent('message', {
          data: event.data,
          origin: event.origin,
          source: event.source,
        }),
      )
  },
  /** Holds the next response for `path` after its first chunk, until `openGate()`. */
  armGate(path: string): void {
    let open!: () => void
    const opened = new Promise<void>((resolve) => (open = resolve))
    gate = { path, used: false, reached: false, open, opened }
  },
  gateReached: (): boolean => gate?.reached ?? false,
  openGate: (): void => gate?.open(),
  /** Whether the site frame's document can be read from here (it must not). */
  canReadSiteFrame(): boolean {
    try {
      return frame.contentDocument !== null
    } catch {
      return false
    }
  },
}

declare global {
  interface Window {
    harness: typeof harness
  }
}
window.harness = harness
statusLine.textContent = 'Ready'
if (params.get('peer') !== 'off' && params.get('peer') !== null) void harness.startPeer()
