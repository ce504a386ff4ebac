/**
 * The relay's HTTP gateway: plain HTTP for sites by Host header (`<origin label>.alt`,
 * `<origin label>.<gateway host>`), with the app's HTTP rules (`@alternet/core/http`): content
 * types, Range/206/416, ETag/304, HEAD, the 301 from a folder to its index, the site's 404 page
 * and error answers with the app fetch's statuses and the registry's words. The record is the
 * one every peer would choose; every block is verified before any byte of it is sent, and a
 * block that fails after the head is sent cuts the connection, so a client never gets a wrong
 * byte. Bytes are sent as the owner signed them; caching follows the record's TTL. Requests
 * are limited per client address and in total, and counted per site. See docs/PROTOCOL.md,
 * "The HTTP gateway".
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import { normalizeRequestPath } from '@alternet/core/content'
import {
  ALLOWED_METHODS,
  fileReply,
  matchPath,
  notFoundReply,
  redirectReply,
  type ReplyHead,
} from '@alternet/core/http'
import { fromOriginLabel } from '@alternet/core/names'
import { MethodNotAllowedError } from '@alternet/net/fetch/errors'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { Permissions } from '../permissions.ts'
import type { RootRecordSource } from '../record-policy.ts'
import type { RecordPolicy } from '../record-store.ts'
import { ClientLimits } from './client-limits.ts'
import { GATEWAY_HEADERS, GATEWAY_WRITE_TIMEOUT_MS } from './constants.ts'
import { gatewayErrorReply, wantsHtml } from './error-page.ts'
import { GatewayBusyError, TooManyRequestsError } from './errors.ts'
import { gatewayLabel } from './gateway-host.ts'
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics.ts'
import { SiteResolver } from './resolve-site.ts'
import { SiteContent, type ContentRequest } from './site-content.ts'

/** Resolves when `res` takes bytes again; rejects when it closes or stalls past `GATEWAY_WRITE_TIMEOUT_MS`. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer)
      res.off('drain', onDrain)
      res.off('close', onClose)
      if (error === undefined) resolve()
      else reject(error)
    }
    const onDrain = (): void => done()
    const onClose = (): void => done(signal.reason as Error)
    const timer = setTimeout(
      () => done(new Error(`The client took no bytes for ${GATEWAY_WRITE_TIMEOUT_MS} ms.`)),
      GATEWAY_WRITE_TIMEOUT_MS,
    )
    res.on('drain', onDrain)
    res.on('close', onClose)
  })
}

/** What the gateway works with. */
export interface GatewayInit {
  node: RelayNode
  dataDir: string
  /** Sites are also answered on `<origin label>.<gatewayHost>`. */
  gatewayHost?: string
  records: RootRecordSource
  policy: Pick<RecordPolicy, 'isServable'>
  permissions: Permissions
  registry: Registry
  log: Logger
  /** Requests one client address may start per minute. @default DEFAULT_GATEWAY_CLIENT_RATE */
  clientRate?: number
  /** Requests in progress across all clients. @default DEFAULT_GATEWAY_MAX_REQUESTS */
  maxRequests?: number
  /**
   * A request for `site` was answered (a file, HEAD, 304, 301, 404, 416 …), `bytes` of the
   * site's bytes sent (per-site statistics).
   */
  onServed?: (site: string, bytes: number) => void
}

/** What one request did for its site: whether the site's record was found, bytes of it sent. */
interface Tally {
  resolved: boolean
  bytes: number
}

/** The HTTP gateway of one relay. */
export class Gateway {
  private readonly init: GatewayInit
  private readonly limits: ClientLimits
  private readonly metrics: GatewayMetrics
  private readonly resolver: SiteResolver
  private readonly content: SiteContent

  constructor(init: GatewayInit) {
    this.init = init
    this.limits = new ClientLimits({ clientRate: init.clientRate, maxRequests: init.maxRequests })
    this.metrics = createGatewayMetrics(init.registry)
    this.resolver = new SiteResolver(init)
    this.content = new SiteContent(init.node, init.dataDir)
  }

  /** Drops what the gateway remembers of `site`'s record (a newer one arrived live). */
  forget(site: string): void {
    this.resolver.forget(site)
  }

  /** The origin label a request's Host names for the gateway, or undefined when not a gateway request. */
  labelOf(req: IncomingMessage): string | undefined {
    return gatewayLabel(req.headers.host, this.init.gatewayHost)
  }

  /** Answers a gateway request for the site of `label`. Never throws. */
  async serve(req: IncomingMessage, res: ServerResponse, label: string): Promise<void> {
    const address = req.socket.remoteAddress ?? ''
    let release: (() => void) | undefined
    let site = ''
    const tally: Tally = { resolved: false, bytes: 0 }
    const controller = new AbortController()
    res.once('close', () => controller.abort(new Error('The client went away.')))
    try {
      release = this.limits.admit(address)
      site = fromOriginLabel(label)
      await this.answer(req, res, site, controller.signal, tally)
    } catch (error) {
      if (error instanceof TooManyRequestsError) this.metrics.limited('client')
      if (error instanceof GatewayBusyError) this.metrics.limited('total')
      const extra: Record<string, string> =
        error instanceof TooManyRequestsError
          ? { 'retry-after': String(this.limits.retryAfter(address)) }
          : error instanceof MethodNotAllowedError
            ? { allow: ALLOWED_METHODS }
            : {}
      this.sendError(req, res, error, extra)
    } finally {
      release?.()
      this.metrics.request(site, res.statusCode)
      if (tally.resolved) {
        this.metrics.bytes(site, tally.bytes)
        this.init.onServed?.(site, tally.bytes)
      }
    }
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    site: string,
    signal: AbortSignal,
    tally: Tally,
  ): Promise<void> {
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD')
      throw new MethodNotAllowedError(`${method} is not served; use GET or HEAD.`)
    const target = req.url ?? '/'
    const query = /[?].*$/s.exec(target)?.[0] ?? ''
    const path = normalizeRequestPath(target.replace(/[?#].*$/s, ''))
    const { record, maxAge } = await this.resolver.resolve(site, signal)
    tally.resolved = true
    const root = record.body.content!
    const request: ContentRequest = { site, root, hosts: record.body.hosts ?? [], signal }
    const manifest = await this.content.manifest(request)
    const cache = { 'cache-control': `public, max-age=${maxAge}` }
    const match = matchPath(manifest, path)
    if ('missing' in match) {
      const head = notFoundReply(root.toString())
      return this.send(res, method, head, cache, {
        type: 'text/plain; charset=utf-8',
        text: `Not found: ${path}\n`,
      })
    }
    if ('redirect' in match)
      return this.send(
        res,
        method,
        redirectReply(`${match.redirect}${query}`, root.toString()),
        cache,
      )
    const head = await fileReply(
      match.file,
      { method, ifNoneMatch: req.headers['if-none-match'], range: req.headers.range },
      { status: match.status, root: root.toString(), headers: cache },
    )
    if (head.bytes === undefined) return this.send(res, method, head)
    const { start, end } = head.bytes
    const stream = await this.content.read(
      request,
      match.file,
      start,
      end,
      match.status === 200 ? path : undefined,
    )
    const reader = stream.getReader()
    // The first part is read (verified) before the head is sent: a failure there is an error status.
    const first = await reader.read()
    res.writeHead(head.status, { ...head.headers, ...GATEWAY_HEADERS })
    try {
      for (let next = first; !next.done; next = await reader.read()) {
        tally.bytes += next.value.length
        if (!res.write(next.value)) await drained(res, signal)
      }
      res.end()
    } catch (error) {
      // A block failed after the head was sent: cut the connection, never send a wrong byte.
      void reader.cancel(error).catch(() => undefined)
      res.destroy(error instanceof Error ? error : new Error(String(error)))
      if (!signal.aborted) this.init.log.warn('gateway response cut', { site, path, error })
    }
  }

  private send(
    res: ServerResponse,
    method: string,
    head: ReplyHead,
    extra: Record<string, string> = {},
    body?: { type: string; text: string },
  ): void {
    const headers: Record<string, string> = { ...head.headers, ...extra, ...GATEWAY_HEADERS }
    if (body !== undefined) {
      headers['content-type'] = body.type
      headers['content-length'] = String(Buffer.byteLength(body.text))
    } else if (head.status !== 304 && headers['content-length'] === undefined) {
      // An empty body said plainly (301, 416), not as an empty chunked one.
      headers['content-length'] = '0'
    }
    res.writeHead(head.status, headers)
    res.end(method === 'HEAD' || body === undefined ? undefined : body.text)
  }

  private sendError(
    req: IncomingMessage,
    res: ServerResponse,
    error: unknown,
    extra: Record<string, string>,
  ): void {
    if (res.headersSent) {
      res.destroy()
      return
    }
    const reply = gatewayErrorReply(error, wantsHtml(req.headers.accept), extra)
    if (reply.status >= 500 && !(error instanceof GatewayBusyError))
      this.init.log.debug('gateway error', { url: req.url, error })
    res.writeHead(reply.status, {
      ...reply.headers,
      ...GATEWAY_HEADERS,
      'content-length': String(Buffer.byteLength(reply.text)),
    })
    res.end(req.method === 'HEAD' ? undefined : reply.text)
  }
}
