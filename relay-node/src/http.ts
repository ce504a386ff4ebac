/**
 * The relay's HTTP server (same process, `--http-port`): `/health`, `/metrics`,
 * `/.well-known/alternet.json`, `POST /revoke`, `GET /revocations/<site>`, the app and site origins (site-origins.ts),
 * the HTTP gateway for sites by Host header (gateway/), and mirrored blocks (`/ipfs/<cid>`, mirror/http-blocks.ts).
 * @module
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import {
  DIRECTORY_PATH,
  HEALTH_PATH,
  METRICS_PATH,
  REVOCATIONS_PATH,
  REVOKE_PATH,
  WELL_KNOWN_PATH,
  type WellKnown,
} from '@alternet/core/contracts'
import { API_PREFIX } from './api/constants.ts'
import { MAX_HTTP_BODY_BYTES } from './constants.ts'
import { ConfigError, RevocationRefusedError } from './errors.ts'
import type { Gateway } from './gateway/index.ts'
import type { Logger } from './log.ts'
import { HTTP_BLOCKS_PREFIX, type HttpBlocks } from './mirror/http-blocks.ts'
import { classifyHost, errorPage, serveApp, serveSiteOrigin } from './site-origins.ts'
import { sendJson as json } from './json-reply.ts'

// The well-known document and the paths the relay serves are contracts with the browser.
export type { WellKnown } from '@alternet/core/contracts'
export { REVOCATIONS_PATH } from '@alternet/core/contracts'

/**
 * Largest request head the relay reads, in bytes (Node's default is 16 KiB). Every site is a
 * subdomain of the app host, so until that host is on the Public Suffix List any site can set
 * cookies for the whole app domain, and browsers send them to the app, the relay's endpoints
 * and every other site's `/__an/` files: Chromium and Firefox keep up to 180 cookies of 4 KiB
 * per domain, about 740 KiB, and with a smaller limit a site could make the relay answer 431 to
 * all of them. The relay never reads cookies. README.md, "From a real domain".
 */
export const MAX_HTTP_HEADER_BYTES = 1024 * 1024

/** What the HTTP server serves from. */
export interface HttpInit {
  host: string
  port: number
  publicHost: string
  appDir?: string
  tls?: { cert: string; key: string }
  log: Logger
  health(): Promise<Record<string, unknown>>
  wellKnown(): WellKnown
  metrics(): Promise<{ contentType: string; body: string }>
  /** Serve `/metrics` to anyone; otherwise only to direct loopback requests (see `metricsAllowed`). @default false */
  publicMetrics?: boolean
  revoke(bytes: Uint8Array): Promise<{ ok: boolean; fresh?: boolean }>
  /** The signed revocation envelope held for a site name or its root name, or undefined. */
  revocation(site: string): Uint8Array | undefined
  /** Answers requests for sites by Host header (`<origin label>.alt`, the gateway host). */
  gateway?: Gateway
  /** The registrar API, answering every path under `/api/v1/` (when `--api-tokens` is set). */
  api?: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  /** Mirrored blocks over HTTP (`GET /ipfs/<cid>`, mirror/http-blocks.ts). */
  blocks?: HttpBlocks
  /** The public site directory (`GET /directory`). */
  directory?: () => readonly unknown[]
}

/** A listening HTTP server. */
export interface RelayHttp {
  server: Server
  port: number
  close(): Promise<void>
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) return undefined
    chunks.push(chunk)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

/**
 * Whether `/metrics` may answer this request: with `publicMetrics` always; else only a request
 * from a loopback address, not forwarded by a proxy (no `X-Forwarded-For` / `Forwarded`), and
 * not addressed to the app's or a site's host name, so a public proxy in front of the relay
 * does not expose it (the numbers tell who uses the relay and how).
 */
function metricsAllowed(init: HttpInit, req: IncomingMessage, hostKind: string): boolean {
  if (init.publicMetrics === true) return true
  const from = req.socket.remoteAddress ?? ''
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(from)
  const forwarded =
    req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined
  return loopback && !forwarded && hostKind !== 'app' && hostKind !== 'site'
}

async function handle(init: HttpInit, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const label = init.gateway?.labelOf(req)
  if (label !== undefined) return init.gateway!.serve(req, res, label)
  const url = new URL(req.url ?? '/', 'http://relay.invalid')
  const path = url.pathname
  const host = classifyHost(req.headers.host, init.publicHost)
  const secure = init.tls != null || req.headers['x-forwarded-proto'] === 'https'

  if (host.kind === 'site') {
    const rawPath = (req.url ?? '/').replace(/[?#].*/s, '')
    return serveSiteOrigin(req, res, {
      label: host.label,
      appDir: init.appDir,
      publicHost: init.publicHost,
      secure,
      path,
      rawPath,
      search: url.search,
    })
  }
  if (init.api !== undefined && path.startsWith(API_PREFIX)) return init.api(req, res)
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'access-control-max-age': '86400' })
    res.end()
    return
  }
  if (init.blocks !== undefined && path.startsWith(HTTP_BLOCKS_PREFIX))
    return init.blocks(req, res, url)
  if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD'))
    return json(res, 200, await init.health(), CORS)
  if (path === WELL_KNOWN_PATH && (req.method === 'GET' || req.method === 'HEAD'))
    return json(res, 200, init.wellKnown(), CORS)
  if (
    path === DIRECTORY_PATH &&
    init.directory !== undefined &&
    (req.method === 'GET' || req.method === 'HEAD')
  )
    return json(res, 200, { sites: init.directory() }, CORS)
  if (path.startsWith(REVOCATIONS_PATH) && (req.method === 'GET' || req.method === 'HEAD')) {
    let site: string
    try {
      site = decodeURIComponent(path.slice(REVOCATIONS_PATH.length))
    } catch {
      site = ''
    }
    const bytes = site === '' ? undefined : init.revocation(site)
    if (bytes === undefined) return json(res, 404, { ok: false, error: 'NotFound' }, CORS)
    res.writeHead(200, {
      ...CORS,
      'content-type': 'application/octet-stream',
      'content-length': bytes.length,
      'cache-control': 'no-cache',
    })
    res.end(req.method === 'HEAD' ? undefined : bytes)
    return
  }
  if (path === METRICS_PATH && req.method === 'GET') {
    if (!metricsAllowed(init, req, host.kind))
      return json(res, 404, { ok: false, error: 'NotFound' })
    const { contentType, body } = await init.metrics()
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' })
    res.end(body)
    return
  }
  if (path === REVOKE_PATH) {
    if (req.method !== 'POST')
      return json(res, 405, { ok: false, error: 'MethodNotAllowed' }, { ...CORS, allow: 'POST' })
    const body = await readBody(req, MAX_HTTP_BODY_BYTES)
    if (body == null) return json(res, 413, { ok: false, error: 'PayloadTooLarge' }, CORS)
    try {
      return json(res, 200, await init.revoke(body), CORS)
    } catch (err) {
      if (err instanceof RevocationRefusedError)
        return json(res, 403, { ok: false, error: err.name, message: err.message }, CORS)
      throw err
    }
  }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return json(res, 405, { ok: false, error: 'MethodNotAllowed' })
  if (host.kind === 'app') return serveApp(req, res, init.appDir, path)
  // Any other host name (an IP address, `localhost`): the app lives on its own host.
  if (path === '/') {
    const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1]
    res.writeHead(302, {
      location: `${secure ? 'https' : 'http'}://${init.publicHost}${port != null ? `:${port}` : ''}/`,
      'content-length': 0,
    })
    res.end()
    return
  }
  errorPage(res, 404, 'Not found', `The app is served on ${init.publicHost}.`)
}

/** Starts the HTTP server; throws `ConfigError` when the port is taken. */
export async function startHttp(init: HttpInit): Promise<RelayHttp> {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(init, req, res).catch((err) => {
      init.log.error('http request failed', { path: req.url, error: err })
      if (!res.headersSent) json(res, 500, { ok: false, error: 'InternalError' })
      else res.destroy()
    })
  }
  const server: Server =
    init.tls != null
      ? (createHttpsServer(
          { ...init.tls, maxHeaderSize: MAX_HTTP_HEADER_BYTES },
          listener,
        ) as unknown as Server)
      : createHttpServer({ maxHeaderSize: MAX_HTTP_HEADER_BYTES }, listener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new ConfigError(`--http-port: port ${init.port} on ${init.host} is already in use`))
      else if (err.code === 'EACCES')
        reject(new ConfigError(`--http-port: not allowed to listen on port ${init.port}`))
      else if (err.code === 'EADDRNOTAVAIL')
        reject(new ConfigError(`--host: ${init.host} is not an address of this machine`))
      else reject(err)
    })
    server.listen(init.port, init.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
