/**
 * The security headers of the app's and the site origins' documents, in one place for every
 * server that answers them: the relay (relay-node/src/site-origins.ts), vite dev and preview
 * (vite.config.ts) and the service workers (sw/). See docs/ORIGINS.md, "Headers".
 * @module
 */

/**
 * Asks the browser for an origin-keyed agent cluster: with it on the app's and the sites'
 * documents, Chromium puts each site origin's frames in a renderer process apart from the app's
 * (site origins are same-site with the app, so without it they share one process and one main
 * thread with the app's node and keys).
 */
export const ORIGIN_AGENT_CLUSTER = { 'origin-agent-cluster': '?1' } as const

/**
 * The app's Content Security Policy. Scripts only from the app's own files (no inline script,
 * no `eval`; `'wasm-unsafe-eval'` lets them compile WebAssembly, the node's Noise cipher,
 * src/net/node/wasm-noise-crypto.ts, and nothing else), no plugins, no `<base>`, workers only from the app, forms only to the app, and no
 * framing; Trusted Types make every HTML sink go through lit's policy, and script URLs through
 * the app's default policy (src/origins/shell/trusted-types.ts), which takes only the app's own. There is no
 * `default-src`: the node connects to relays anywhere (`ws:`, `wss:`, `http(s):`), shows site
 * origins on any `<label>.<app host>`, and `connect-src`/`frame-src` lists that allowed all of
 * these would protect nothing.
 */
export const APP_CSP = [
  "script-src 'self' 'wasm-unsafe-eval'",
  "object-src 'none'",
  "base-uri 'none'",
  "worker-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html default',
].join('; ')

/** Headers of every HTML document of the app origin (shell, reset page, error pages). */
export const APP_DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': APP_CSP,
  'x-frame-options': 'DENY',
  ...ORIGIN_AGENT_CLUSTER,
}

/**
 * Headers of pages that must never be in a frame, whatever origin serves them: the reset page
 * (one click there wipes an origin's service workers and caches).
 */
export const NO_FRAMING_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  ...ORIGIN_AGENT_CLUSTER,
}

/** The bodies of the inline scripts (`<script>` with no `src`) of an HTML page, as written. */
export function inlineScripts(html: string): string[] {
  const scripts: string[] = []
  for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script\s*>/gi)) {
    if (!/\ssrc\s*=/i.test(match[1] ?? '')) scripts.push(match[2])
  }
  return scripts
}

/**
 * The `script-src` directive that lets exactly the inline scripts of `html` run, each by its
 * SHA-256 hash (never `'unsafe-inline'`), and nothing else; undefined for a page with no inline
 * script. The bridge page's script is inlined by the build so the bridge needs no second
 * request (docs/ORIGINS.md, "Headers").
 */
export async function inlineScriptPolicy(html: string): Promise<string | undefined> {
  const scripts = inlineScripts(html)
  if (scripts.length === 0) return undefined
  const hashes = await Promise.all(
    scripts.map(async (script) => {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(script))
      return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`
    }),
  )
  return `script-src ${hashes.join(' ')}`
}

/** Sets `headers` on a response (a copy: responses from the network or a cache are immutable). */
export function withHeaders(
  response: Response,
  headers: Readonly<Record<string, string>>,
): Response {
  const merged = new Headers(response.headers)
  for (const [name, value] of Object.entries(headers)) merged.set(name, value)
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: merged,
  })
}

/** Whether a response is an HTML document. */
export function isHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').startsWith('text/html')
}
