/**
 * Serving the built app and the site origins (docs/ORIGINS.md): the app on the app host
 * (`--public-host`), and on every `<label>.<app host>` only the site-origin files, those in
 * `<app dir>/__an/` (bridge page, service worker). A top-level navigation to any other path of a
 * site origin (a shared link, a bookmark) is sent to the app's viewer for that `an://` address.
 * The app's pages may not be framed by anything; a site origin's pages only by the app.
 * @module
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fromOriginLabel } from '@alternet/core/names'
import { escapeHtml } from '@alternet/core/http'
import {
  APP_DOCUMENT_HEADERS,
  BRIDGE_PATH,
  NO_FRAMING_HEADERS,
  ORIGIN_AGENT_CLUSTER,
  RESERVED_PREFIX,
  RESET_PATH,
  SITE_CLEAR_FILE,
  SITE_CLEAR_PATH,
  viewerUrl,
} from '@alternet/origins/shared'
import { chooseEncoding, compressible, CompressedFiles } from './compressed-files.ts'
import { inlineScriptPolicyOf } from './inline-script-policy.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

/** The app's text files, compressed once per version for every relay of this process. */
const compressedFiles = new CompressedFiles()

/**
 * Headers of every HTML page of the app host (and every error page): the app's CSP (nothing may
 * frame it), and its own agent cluster (docs/ORIGINS.md, "Headers").
 */
export const FRAME_DENY: Readonly<Record<string, string>> = APP_DOCUMENT_HEADERS

/**
 * Headers of a site origin's own pages (bridge, clear page): only the app may frame them;
 * `scripts`, a `script-src` directive, says which scripts may run.
 */
function frameByApp(app: string, scripts?: string): Record<string, string> {
  return {
    'content-security-policy': `frame-ancestors ${app}; object-src 'none'; base-uri 'none'${scripts === undefined ? '' : `; ${scripts}`}`,
    ...ORIGIN_AGENT_CLUSTER,
  }
}

/**
 * Whether a site-origin request path (as sent, before any normalisation) is one the relay will
 * look at: no `..`, no `\`, no encoded `/` in its decoded form.
 */
export function isSafeSitePath(rawPath: string): boolean {
  if (/%2f/i.test(rawPath)) return false
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return false
  }
  return !decoded.includes('..') && !decoded.includes('\\')
}

/** What a request's host is to the relay. */
export type HostKind = { kind: 'app' } | { kind: 'site'; label: string } | { kind: 'other' }

/** Classifies a Host header (port dropped, case folded) against the app host. */
export function classifyHost(hostHeader: string | undefined, publicHost: string): HostKind {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase()
  const app = publicHost.toLowerCase()
  if (host === app) return { kind: 'app' }
  if (host.endsWith(`.${app}`)) {
    const label = host.slice(0, -(app.length + 1))
    if (!label.includes('.')) return { kind: 'site', label }
  }
  return { kind: 'other' }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  })
  res.end(body)
}

/** A small HTML error page; no one may frame it. */
export function errorPage(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
): void {
  send(
    res,
    status,
    'text/html; charset=utf-8',
    `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>\n`,
    { ...FRAME_DENY },
  )
}

/**
 * Serves one file of `root` at URL path `path`; false when there is no such file. `headers` go
 * with every file, `htmlHeaders` with HTML files too.
 */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  path: string,
  headers: Record<string, string> = {},
  htmlHeaders: Record<string, string> = {},
): Promise<boolean> {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return false
  }
  const file = normalize(join(root, decoded))
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return false
  const info = await stat(file).catch(() => undefined)
  if (info == null || !info.isFile()) return false
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  // Hashed build assets never change; everything else is revalidated so a new build shows at once.
  const cache = decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
  const worthIt = compressible(type, info.size)
  const encoding = worthIt ? chooseEncoding(req.headers['accept-encoding']) : undefined
  // Each encoding is its own representation, with its own strong ETag.
  const tag = encoding === undefined ? etag : `${etag.slice(0, -1)}-${encoding}"`
  const common = {
    etag: tag,
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
    ...(worthIt ? { vary: 'accept-encoding' } : {}),
    ...headers,
    ...(type.startsWith('text/html') ? htmlHeaders : {}),
  }
  if (req.headers['if-none-match'] === tag) {
    res.writeHead(304, common)
    res.end()
    return true
  }
  const body =
    encoding === undefined
      ? undefined
      : await compressedFiles.get(file, etag, encoding).catch(() => undefined)
  if (encoding !== undefined && body !== undefined) {
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.byteLength,
      'content-encoding': encoding,
      ...common,
    })
    res.end(req.method === 'HEAD' ? undefined : body)
    return true
  }
  res.writeHead(200, { 'content-type': type, 'content-length': info.size, ...common, etag })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
  return true
}

/** The app's own host from a site origin's Host header: same port, app host name. */
function appOrigin(req: IncomingMessage, publicHost: string, secure: boolean): string {
  const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1]
  return `${secure ? 'https' : 'http'}://${publicHost}${port != null ? `:${port}` : ''}`
}

/** Whether the request's Referer is a page of the app's origin. */
function fromApp(req: IncomingMessage, app: string): boolean {
  const referer = req.headers.referer
  if (referer == null) return false
  try {
    return new URL(referer).origin === app
  } catch {
    return false
  }
}

/**
 * The clear page of a site origin (`<app dir>/__an/clear.html`, built from
 * src/origins/site/clear-page.ts), for the app's Settings: `Clear-Site-Data` makes the browser
 * delete the origin's Cache Storage (offline copies), service workers, IndexedDB and local
 * storage and HTTP cache before the page loads, and the page's script deletes the rest and
 * tells the app. Loaded by anything but a page of the app (another site framing it, a typed
 * address) it is refused and clears nothing, so no site can wipe another one's offline copies.
 */
async function serveClearPage(
  req: IncomingMessage,
  res: ServerResponse,
  app: string,
  appDir: string | undefined,
): Promise<void> {
  if (!fromApp(req, app))
    return errorPage(
      res,
      403,
      'Not allowed',
      'Only the Alternet app can clear what a site stored in this browser.',
    )
  const served =
    appDir != null &&
    (await serveFile(
      req,
      res,
      join(appDir, RESERVED_PREFIX),
      SITE_CLEAR_FILE.slice(RESERVED_PREFIX.length - 1),
      { 'clear-site-data': '"cache", "storage"', 'cache-control': 'no-store' },
      frameByApp(app),
    ))
  if (!served) errorPage(res, 404, 'Not found', 'This relay serves no built app with a clear page.')
}

/** Whether the request is a top-level navigation (not a sub-resource, not a frame). */
function isTopLevelNavigation(req: IncomingMessage): boolean {
  const dest = req.headers['sec-fetch-dest']
  if (dest != null) return dest === 'document'
  return (req.headers.accept ?? '').includes('text/html')
}

/** Handles a request to the app host. */
export async function serveApp(
  req: IncomingMessage,
  res: ServerResponse,
  appDir: string | undefined,
  path: string,
): Promise<void> {
  if (appDir == null)
    return errorPage(
      res,
      404,
      'No app here',
      'This relay was started without --app-dir and found no built app (dist/).',
    )
  const target = path === '/' ? '/index.html' : path
  const html = target === RESET_PATH ? NO_FRAMING_HEADERS : FRAME_DENY
  if (await serveFile(req, res, appDir, target, {}, html)) return
  errorPage(res, 404, 'Not found', `${path} is not part of the app.`)
}

/** Handles a request to a site origin `<label>.<app host>`. */
export async function serveSiteOrigin(
  req: IncomingMessage,
  res: ServerResponse,
  init: {
    label: string
    appDir: string | undefined
    publicHost: string
    secure: boolean
    path: string
    rawPath: string
    search: string
  },
): Promise<void> {
  let site: string
  try {
    site = fromOriginLabel(init.label)
  } catch (err) {
    return errorPage(
      res,
      400,
      'Not a site address',
      `"${init.label}" does not name an Alternet site (${(err as Error).message}).`,
    )
  }
  // Checked as sent: URL parsing already resolved `..` and `%2e%2e` in `path`.
  if (!isSafeSitePath(init.rawPath))
    return errorPage(
      res,
      400,
      'Bad path',
      'A site-origin path may not hold "..", "\\" or an encoded "/".',
    )
  const app = appOrigin(req, init.publicHost, init.secure)
  if (init.path === SITE_CLEAR_PATH || init.path === SITE_CLEAR_FILE)
    return serveClearPage(req, res, app, init.appDir)
  if (init.path.startsWith(RESERVED_PREFIX) && init.appDir != null) {
    // Only the files in <app dir>/__an/; the bridge registers a service worker there whose scope is the whole origin.
    const dir = join(init.appDir, RESERVED_PREFIX)
    // The bridge page's script is inline (the build puts it there): only it may run, and the
    // only worker it may register is the origin's own (`worker-src` falls back to `script-src`).
    const inline =
      init.path === BRIDGE_PATH
        ? await inlineScriptPolicyOf(join(dir, BRIDGE_PATH.slice(RESERVED_PREFIX.length)))
        : undefined
    const scripts = inline === undefined ? undefined : `${inline}; worker-src 'self'`
    if (
      await serveFile(
        req,
        res,
        dir,
        init.path.slice(RESERVED_PREFIX.length - 1),
        { 'service-worker-allowed': '/' },
        init.path === RESET_PATH ? NO_FRAMING_HEADERS : frameByApp(app, scripts),
      )
    )
      return
  }
  if (isTopLevelNavigation(req)) {
    const location = viewerUrl(app, site, `${init.path}${init.search}`)
    res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 })
    res.end()
    return
  }
  errorPage(
    res,
    404,
    'Not found',
    `Site content for ${site} is served by the Alternet app through its service worker.`,
  )
}
