/**
 * The shell's side of site origins: for each site shown, a hidden bridge frame on the site's
 * origin gets a MessagePort bound to that site; requests arriving on it are answered with the
 * node's `fetch(an://…)`. The site's own frame then loads from its origin, where the site
 * service worker routes every request through the bridge to here. See docs/ORIGINS.md.
 *
 * @example
 * ```ts
 * const peer = await createAlternetPeer(…)
 * const bridges = createBridgeHost({ fetch: (url, init) => peer.fetch(url, init) })
 * bridges.addEventListener('document', (e) => console.log(e.detail.address, e.detail.offlineCopy))
 * await bridges.show(siteFrame, 'an://mysite:code/')
 * ```
 * @module
 */
import { parseAddress } from '../../core/names/index.ts'
import {
  BRIDGE_PATH,
  BRIDGE_PROTOCOL_VERSION,
  DEFAULT_BRIDGE_READY_TIMEOUT,
  DEFAULT_MAX_BRIDGES,
  ERROR_HEADER,
  FORWARDED_REQUEST_HEADERS,
  MAX_REQUEST_PATH_LENGTH,
  SCROLL_REPORT_INTERVAL,
} from '../shared/constants.ts'
import { BridgeTimeoutError } from '../shared/errors.ts'
import { sendResponse, sendResponseError } from '../shared/port-stream.ts'
import {
  isMessage,
  type BridgeConnect,
  type BridgeReady,
  type DocumentServed,
  type FollowScroll,
  type SiteRequest,
  type SiteScrolled,
} from '../shared/protocol.ts'
import { requestAnUrl, siteOrigin, siteUrl } from '../shared/site-origin.ts'
import { TIMING_MARKS, timingMark } from '../shared/timing-marks.ts'
import { answersRequest, dropEarly, type EarlyDocument } from './early-document.ts'
import type { BridgeHost, BridgeHostInit } from './bridge-host-types.ts'
import { documentDetail, scrollDetail } from './site-hints.ts'

interface Bridge {
  site: string
  origin: string
  frame: HTMLIFrameElement
  port?: MessagePort
  ready: Promise<void>
  resolve(): void
  reject(error: Error): void
  timer?: ReturnType<typeof setTimeout>
  /** Its first request was answered (the timing marks are set for the first only). */
  answered?: boolean
  /** The document asked for early (`warmUp`), for the bridge's first request. */
  early?: EarlyDocument
  /** When its last scroll report was taken (`performance.now()`). */
  scrolledAt?: number
}

/** Creates the shell's bridge host. */
export function createBridgeHost(init: BridgeHostInit): BridgeHost {
  const appOrigin = init.appOrigin ?? location.origin
  const readyTimeout = init.readyTimeout ?? DEFAULT_BRIDGE_READY_TIMEOUT
  const maxBridges = init.maxBridges ?? DEFAULT_MAX_BRIDGES
  const bridges = new Map<string, Bridge>()
  const target = new EventTarget()

  const canonical = (site: string): string => parseAddress(`an://${site}`).site

  async function answer(bridge: Bridge, data: SiteRequest, port: MessagePort): Promise<void> {
    try {
      const method = data.method === 'HEAD' ? 'HEAD' : data.method === 'GET' ? 'GET' : undefined
      if (method === undefined) {
        return sendResponse(
          port,
          new Response('Only GET and HEAD reach a site.\n', {
            status: 405,
            headers: { allow: 'GET, HEAD', [ERROR_HEADER]: 'MethodNotAllowedError' },
          }),
        )
      }
      let anUrl: string
      try {
        anUrl = requestAnUrl(bridge.site, data.path)
      } catch (error) {
        const name = error instanceof Error ? error.name : 'BadRequestPathError'
        return sendResponse(
          port,
          new Response(`${String(error)}\n`, { status: 400, headers: { [ERROR_HEADER]: name } }),
        )
      }
      const headers = new Headers()
      for (const [name, value] of Array.isArray(data.headers) ? data.headers : []) {
        const key = String(name).toLowerCase()
        if (
          (FORWARDED_REQUEST_HEADERS as readonly string[]).includes(key) &&
          typeof value === 'string' &&
          value.length <= MAX_REQUEST_PATH_LENGTH
        ) {
          headers.set(key, value)
        }
      }
      const first = bridge.answered !== true
      bridge.answered = true
      if (first) timingMark(TIMING_MARKS.siteRequest)
      const early = bridge.early
      bridge.early = undefined
      let response: Response
      if (early !== undefined && answersRequest(early, anUrl, method, headers)) {
        clearTimeout(early.timer)
        // Asked before the bridge was ready; a fetch that threw is asked again.
        response = await early.response.catch(() => init.fetch(anUrl, { method, headers }))
      } else {
        dropEarly(early)
        response = await init.fetch(anUrl, { method, headers })
      }
      if (first) timingMark(TIMING_MARKS.siteAnswer)
      sendResponse(port, response, init.streamMode)
    } catch (error) {
      sendResponseError(port, error)
    }
  }

  function onDocument(bridge: Bridge, data: DocumentServed): void {
    const detail = documentDetail(bridge.site, data)
    if (detail !== undefined) target.dispatchEvent(new CustomEvent('document', { detail }))
  }

  /** A direction, at most one per interval (a site's scripts can post as its bridge). */
  function onScrolled(bridge: Bridge, data: SiteScrolled): void {
    const detail = scrollDetail(bridge.site, data)
    const now = performance.now()
    // Half the interval: the bridge's own timer may fire a little early.
    if (detail === undefined || now - (bridge.scrolledAt ?? -Infinity) < SCROLL_REPORT_INTERVAL / 2)
      return
    bridge.scrolledAt = now
    target.dispatchEvent(new CustomEvent('scroll', { detail }))
  }

  function connectPort(bridge: Bridge): void {
    bridge.port?.close()
    const channel = new MessageChannel()
    bridge.port = channel.port1
    // Anything on the site origin may hold the other end (the site's scripts can reach the
    // bridge frame): the port only ever answers reads of this one site's content.
    channel.port1.onmessage = (event: MessageEvent) => {
      if (isMessage<SiteRequest>(event.data, 'an-request') && event.ports[0] !== undefined) {
        void answer(bridge, event.data, event.ports[0])
      } else if (isMessage<DocumentServed>(event.data, 'an-document')) {
        onDocument(bridge, event.data)
      }
    }
    const connect: BridgeConnect = {
      type: 'an-bridge-connect',
      v: BRIDGE_PROTOCOL_VERSION,
      site: bridge.site,
    }
    bridge.frame.contentWindow?.postMessage(connect, bridge.origin, [channel.port2])
    clearTimeout(bridge.timer)
    timingMark(TIMING_MARKS.bridgeReady)
    bridge.resolve()
  }

  const onMessage = (event: MessageEvent): void => {
    for (const bridge of bridges.values()) {
      if (event.source !== bridge.frame.contentWindow) continue
      if (event.origin !== bridge.origin) return
      if (isMessage<BridgeReady>(event.data, 'an-bridge-ready')) connectPort(bridge)
      else if (isMessage<SiteScrolled>(event.data, 'an-scrolled')) onScrolled(bridge, event.data)
      return
    }
  }
  window.addEventListener('message', onMessage)

  function disconnect(site: string): void {
    const bridge = bridges.get(site)
    if (bridge === undefined) return
    bridges.delete(site)
    clearTimeout(bridge.timer)
    dropEarly(bridge.early)
    bridge.early = undefined
    bridge.port?.close()
    bridge.frame.remove()
    bridge.reject(new BridgeTimeoutError(`The bridge for ${site} was closed.`))
  }

  function open(site: string): Bridge {
    const origin = siteOrigin(site, appOrigin)
    const frame = document.createElement('iframe')
    frame.hidden = true
    frame.tabIndex = -1
    frame.title = `Alternet bridge for ${site}`
    frame.setAttribute('aria-hidden', 'true')
    frame.dataset.anBridge = site
    let resolve!: () => void
    let reject!: (error: Error) => void
    const ready = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    ready.catch(() => {})
    const bridge: Bridge = { site, origin, frame, ready, resolve, reject }
    bridge.timer = setTimeout(() => {
      reject(
        new BridgeTimeoutError(`The bridge for ${site} did not answer within ${readyTimeout} ms.`),
      )
      if (bridges.get(site) === bridge) disconnect(site)
    }, readyTimeout)
    frame.src = `${origin}${BRIDGE_PATH}`
    ;(init.container ?? document.body).append(frame)
    target.dispatchEvent(new CustomEvent('open', { detail: { site } }))
    return bridge
  }

  async function connect(site: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const name = canonical(site)
    let bridge = bridges.get(name)
    if (bridge !== undefined) bridges.delete(name)
    bridge ??= open(name)
    bridges.set(name, bridge)
    while (bridges.size > maxBridges) disconnect(bridges.keys().next().value as string)
    options.signal?.throwIfAborted()
    if (options.signal === undefined) return bridge.ready
    const signal = options.signal
    return Promise.race([
      bridge.ready,
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      ),
    ])
  }

  /**
   * Opens (or reuses) the bridge of `address`'s site and, for a new bridge with `warmUp`, asks
   * the node for the document at once; resolves to the site-origin URL once requests can flow.
   */
  async function prepare(address: string, options: { signal?: AbortSignal }): Promise<string> {
    const url = siteUrl(address, appOrigin)
    const site = canonical(parseAddress(address).site)
    const fresh = !bridges.has(site)
    if (fresh) timingMark(TIMING_MARKS.bridgeOpen)
    // The bridge frame starts loading first; the node's work for the document follows.
    const connecting = connect(site, options)
    let early: EarlyDocument | undefined
    if (init.warmUp === true && fresh) {
      // The same `an://` URL the site worker's request for `url` will be answered for.
      const { pathname, search } = new URL(url)
      const anUrl = requestAnUrl(site, pathname + search)
      const response = init.fetch(anUrl, { method: 'GET', headers: new Headers() })
      response.then(() => timingMark(TIMING_MARKS.warmUp)).catch(() => {})
      early = { anUrl, response }
    }
    try {
      await connecting
    } catch (error) {
      dropEarly(early)
      throw error
    }
    const bridge = bridges.get(site)
    if (early !== undefined) {
      if (bridge === undefined || bridge.answered === true) dropEarly(early)
      else {
        dropEarly(bridge.early)
        early.timer = setTimeout(() => {
          if (bridge.early === early) bridge.early = undefined
          dropEarly(early)
        }, readyTimeout)
        bridge.early = early
      }
    }
    return url
  }

  return Object.assign(target, {
    appOrigin,
    siteOrigin: (site: string) => siteOrigin(canonical(site), appOrigin),
    siteUrl: (address: string) => siteUrl(address, appOrigin),
    connect,
    async show(
      frame: HTMLIFrameElement,
      address: string,
      options: { signal?: AbortSignal } = {},
    ): Promise<string> {
      const url = await prepare(address, options)
      frame.src = url
      return url
    },
    prepare: async (address: string, options: { signal?: AbortSignal } = {}): Promise<void> => {
      await prepare(address, options)
    },
    disconnect: (site: string) => disconnect(canonical(site)),
    followScroll(site: string): void {
      const bridge = bridges.get(canonical(site))
      if (bridge?.port === undefined) return
      const follow: FollowScroll = { type: 'an-follow-scroll', v: BRIDGE_PROTOCOL_VERSION }
      bridge.frame.contentWindow?.postMessage(follow, bridge.origin)
    },
    close(): void {
      window.removeEventListener('message', onMessage)
      for (const site of [...bridges.keys()]) disconnect(site)
    },
  })
}
