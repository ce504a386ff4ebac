/**
 * The relay's HTTP endpoints: health, metrics, the well-known document, the app on the app
 * host and the site-origin files and redirects on `<label>.<app host>`.
 */
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { mkdir, writeFile } from 'node:fs/promises'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { toOriginLabel } from '../../src/core/names/index.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** An HTTP GET to the relay with a chosen Host header (fetch cannot set it). */
function get(
  relay: RelayProcess,
  host: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const url = new URL(relay.http)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        headers: { host: `${host}:${url.port}`, ...headers },
        timeout: 5000,
      },
      (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** A script like the app's peer code: large, and text. */
const PEER_CODE = Array.from(
  { length: 2000 },
  (_, i) => `export function part${i}(x) { return x * ${i} + ${i % 7} }\n`,
).join('')

/** An HTTP GET to the relay's app host, its body as bytes. */
function getBytes(
  relay: RelayProcess,
  path: string,
  headers: Record<string, string>,
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}> {
  const url = new URL(relay.http)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        headers: { host: `an.localhost:${url.port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** The inline script of the test app's bridge page. */
const BRIDGE_SCRIPT = 'document.title = "bridge: é"'

describe('relay HTTP', () => {
  let dir: string
  let relay: RelayProcess

  before(async () => {
    dir = await tempDir()
    const app = `${dir}/app`
    await mkdir(`${app}/__an`, { recursive: true })
    await writeFile(`${app}/index.html`, '<!doctype html><title>Alternet</title>')
    await writeFile(
      `${app}/__an/bridge.html`,
      `<!doctype html><title>bridge</title><script>${BRIDGE_SCRIPT}</script>`,
    )
    await writeFile(`${app}/__an/reset.html`, '<!doctype html><title>reset</title>')
    await writeFile(
      `${app}/__an/clear.html`,
      '<!doctype html><title>Cleared</title><script src="/__an/clear.js"></script>',
    )
    await writeFile(`${app}/__an/sw.js`, 'self.addEventListener("fetch", () => {})')
    await mkdir(`${app}/assets`, { recursive: true })
    await writeFile(`${app}/assets/peer-0a1b2c.js`, PEER_CODE)
    await writeFile(
      `${app}/sw.js`,
      'self.addEventListener("install", () => {}) // the app\'s own worker',
    )
    relay = await startRelay(`${dir}/data`, ['--app-dir', app, '--public-host', 'an.localhost'])
  })

  after(async () => {
    await relay.stop()
    await removeDir(dir)
  })

  it('reports health: peer ID, addresses, counts', async () => {
    const health = await getJson(relay, '/health')
    assert.equal(health.status, 'ok')
    assert.equal(health.peerId, relay.peerId)
    assert.ok(
      (health.listen as string[]).some((a) => a.includes('/webrtc-direct/certhash/')),
      'no WebRTC-Direct listen address',
    )
    assert.ok(
      (health.listen as string[]).some((a) => a.endsWith('/ws')),
      'no WebSockets listen address',
    )
    for (const field of ['connections', 'reservations', 'records', 'providers'])
      assert.equal(typeof health[field], 'number', `${field} missing`)
    assert.equal(health.dhtMode, 'server')
  })

  it("serves Prometheus metrics: libp2p's and the relay's own", async () => {
    const res = await fetch(`${relay.http}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/)
    const text = await res.text()
    for (const name of [
      'alternet_relay_reservations',
      'alternet_relay_records_stored',
      'alternet_relay_rejected_records_total',
      'libp2p_connection_manager_connections',
      'nodejs_heap_size_total_bytes',
    ]) {
      assert.ok(text.includes(name), `metrics lack ${name}`)
    }
  })

  it('serves the well-known document with CORS', async () => {
    const res = await fetch(`${relay.http}/.well-known/alternet.json`, {
      headers: { origin: 'https://an.example.org' },
    })
    assert.equal(res.headers.get('access-control-allow-origin'), '*')
    const doc = (await res.json()) as {
      peerId: string
      multiaddrs: string[]
      trustedRegistrars: string[]
      trustedRevokers: string[]
    }
    assert.equal(doc.peerId, relay.peerId)
    // An open network: nobody to trust.
    assert.deepEqual(doc.trustedRegistrars, [])
    assert.deepEqual(doc.trustedRevokers, [])
    assert.ok(doc.multiaddrs.length >= 3)
    assert.ok(doc.multiaddrs.every((a) => a.endsWith(`/p2p/${relay.peerId}`)))
  })

  it('serves the app on the app host', async () => {
    const res = await get(relay, 'an.localhost', '/')
    assert.equal(res.status, 200)
    assert.match(res.body, /<title>Alternet<\/title>/)
    assert.equal((await get(relay, 'an.localhost', '/../../etc/passwd')).status, 404)
  })

  it('serves only the site-origin files on a site origin, with a whole-origin worker scope', async () => {
    const label = toOriginLabel('api.mysite:code')
    const bridge = await get(relay, `${label}.an.localhost`, '/__an/bridge.html')
    assert.equal(bridge.status, 200)
    assert.match(bridge.body, /bridge/)
    const sw = await get(relay, `${label}.an.localhost`, '/__an/sw.js')
    assert.equal(sw.status, 200)
    assert.equal(sw.headers['service-worker-allowed'], '/')
    assert.match(String(sw.headers['content-type']), /javascript/)
    // The app's own files are not served on a site origin.
    assert.equal(
      (await get(relay, `${label}.an.localhost`, '/index.html', { 'sec-fetch-dest': 'script' }))
        .status,
      404,
    )
  })

  it('never serves the app on a site origin, however the path is spelled', async () => {
    const host = `${toOriginLabel('api.mysite:code')}.an.localhost`
    const attempts = [
      '/__an/..%2Findex.html',
      '/__an/..%2fsw.js',
      '/__an/%2e%2e/index.html',
      '/__an/%2E%2E/sw.js',
      '/__an/../sw.js',
      '/__an/../index.html',
      '/__an/..\\index.html',
      '/__an/%5C..%5Cindex.html',
      '/x/../__an/..%2Findex.html',
    ]
    for (const path of attempts) {
      for (const dest of ['script', 'iframe', 'document']) {
        const res = await get(relay, host, path, { 'sec-fetch-dest': dest })
        assert.ok(
          res.status === 400 || res.status === 404,
          `${path} (${dest}) answered ${res.status}`,
        )
        assert.ok(
          !/<title>Alternet<\/title>|self\.addEventListener\("install"/.test(res.body),
          `${path} (${dest}) served the app`,
        )
      }
    }
    assert.equal(
      (await get(relay, host, '/__an/..%2Findex.html', { 'sec-fetch-dest': 'script' })).status,
      400,
    )
    // The site-origin files are still served.
    const bridge = await get(relay, host, '/__an/bridge.html', { 'sec-fetch-dest': 'iframe' })
    assert.equal(bridge.status, 200)
    assert.match(bridge.body, /bridge/)
  })

  it("lets nothing frame the app or any reset page, and only the app frame a site origin's pages", async () => {
    const port = new URL(relay.http).port
    for (const path of ['/', '/index.html', '/no-such-page']) {
      const res = await get(relay, 'an.localhost', path)
      assert.match(String(res.headers['content-type']), /text\/html/)
      const csp = String(res.headers['content-security-policy'])
      assert.ok(csp.includes("frame-ancestors 'none'"), path)
      assert.ok(csp.includes("script-src 'self'"), path)
      assert.equal(res.headers['x-frame-options'], 'DENY', path)
      assert.equal(res.headers['origin-agent-cluster'], '?1', path)
    }
    const host = `${toOriginLabel('api.mysite:code')}.an.localhost`
    const app = `http://an.localhost:${port}`
    const bridge = await get(relay, host, '/__an/bridge.html', { 'sec-fetch-dest': 'iframe' })
    const bridgeCsp = String(bridge.headers['content-security-policy'])
    assert.ok(bridgeCsp.startsWith(`frame-ancestors ${app};`))
    // Its inline script may run by its hash, and nothing else: no 'unsafe-inline', no 'self'
    // for scripts; its worker comes from its own origin.
    const hash = createHash('sha256').update(BRIDGE_SCRIPT).digest('base64')
    assert.ok(bridgeCsp.includes(`; script-src 'sha256-${hash}'; worker-src 'self'`), bridgeCsp)
    assert.ok(!bridgeCsp.includes('unsafe-inline') && !/script-src[^;]*'self'/.test(bridgeCsp))
    assert.equal(bridge.headers['x-frame-options'], undefined)
    assert.equal(bridge.headers['origin-agent-cluster'], '?1')
    for (const resetHost of [host, 'an.localhost']) {
      const reset = await get(relay, resetHost, '/__an/reset.html', { 'sec-fetch-dest': 'iframe' })
      assert.equal(reset.status, 200, resetHost)
      assert.ok(String(reset.headers['content-security-policy']).includes("frame-ancestors 'none'"))
      assert.equal(reset.headers['x-frame-options'], 'DENY', resetHost)
    }
    const clear = await get(relay, host, '/__an/clear', {
      referer: `${app}/`,
      'sec-fetch-dest': 'iframe',
    })
    assert.equal(clear.status, 200)
    assert.ok(
      String(clear.headers['content-security-policy']).startsWith(`frame-ancestors ${app};`),
    )
  })

  it('answers requests carrying as many parent-domain cookies as a browser keeps', async () => {
    // 180 cookies of 4000 bytes: what a site can set for the app's domain in Chromium or Firefox.
    const cookie = Array.from({ length: 180 }, (_, i) => `c${i}=${'x'.repeat(4000)}`).join('; ')
    const site = `${toOriginLabel('api.mysite:code')}.an.localhost`
    for (const [host, path] of [
      ['an.localhost', '/'],
      ['an.localhost', '/.well-known/alternet.json'],
      [site, '/__an/bridge.html'],
    ]) {
      const res = await get(relay, host, path, { cookie, 'sec-fetch-dest': 'iframe' })
      assert.equal(res.status, 200, `${host}${path}`)
    }
    assert.equal((await get(relay, 'an.localhost', '/revocations/x%3Ay', { cookie })).status, 404)
  })

  it("sends a top-level navigation on a site origin to the app's viewer", async () => {
    const label = toOriginLabel('api.mysite:code')
    const res = await get(relay, `${label}.an.localhost`, '/docs/page.html?x=1', {
      'sec-fetch-dest': 'document',
      accept: 'text/html',
    })
    assert.equal(res.status, 302)
    const port = new URL(relay.http).port
    assert.equal(
      res.headers.location,
      `http://an.localhost:${port}/#/view/an://api.mysite:code/docs/page.html?x=1`,
    )
  })

  it('clears a site origin with Clear-Site-Data for the app only', async () => {
    const host = `${toOriginLabel('api.mysite:code')}.an.localhost`
    const port = new URL(relay.http).port
    const app = `http://an.localhost:${port}`
    const cleared = await get(relay, host, '/__an/clear', {
      referer: `${app}/`,
      'sec-fetch-dest': 'iframe',
    })
    assert.equal(cleared.status, 200)
    assert.equal(cleared.headers['clear-site-data'], '"cache", "storage"')
    assert.equal(cleared.headers['cache-control'], 'no-store')
    assert.match(String(cleared.headers['content-type']), /text\/html/)
    // The built clear page (its script tells the app, and only the app, that the origin is
    // clear: test/e2e/ui-clear.spec.ts sees it in a browser).
    assert.match(cleared.body, /<script src="\/__an\/clear\.js"><\/script>/)
    // Anyone else (another site framing it, a typed address, a look-alike host) clears nothing,
    // under either name of the page.
    for (const path of ['/__an/clear', '/__an/clear.html']) {
      for (const referer of [
        undefined,
        `http://${host}:${port}/`,
        `http://an.localhost.evil.example:${port}/`,
        `https://an.localhost:${port}/`,
        'not a url',
      ]) {
        const refused = await get(
          relay,
          host,
          path,
          referer === undefined
            ? { 'sec-fetch-dest': 'document' }
            : { referer, 'sec-fetch-dest': 'iframe' },
        )
        assert.equal(refused.status, 403, `${path} ${String(referer)}`)
        assert.equal(refused.headers['clear-site-data'], undefined, `${path} ${String(referer)}`)
      }
    }
    // Not on the app host.
    assert.equal(
      (await get(relay, 'an.localhost', '/__an/clear', { referer: `${app}/` })).headers[
        'clear-site-data'
      ],
      undefined,
    )
  })

  it('answers a label that names no site with a 400 page', async () => {
    const res = await get(relay, 'not--a--site---.an.localhost', '/', {
      'sec-fetch-dest': 'document',
    })
    assert.equal(res.status, 400)
    assert.match(String(res.headers['content-type']), /text\/html/)
  })

  it('answers 404, with CORS, for the revocation of a name it holds none for', async () => {
    for (const path of [
      '/revocations/mysite%3Acode',
      '/revocations/',
      '/revocations/not%20a%20name',
      '/revocations/%E0%A4%A',
    ]) {
      const res = await fetch(`${relay.http}${path}`, {
        headers: { origin: 'https://an.example.org' },
      })
      assert.equal(res.status, 404, path)
      assert.equal(res.headers.get('access-control-allow-origin'), '*')
    }
  })

  it('refuses a revocation from nobody it trusts', async () => {
    const res = await fetch(`${relay.http}/revoke`, {
      method: 'POST',
      body: new Uint8Array([1, 2, 3]),
    })
    assert.equal(res.status, 403)
    assert.equal(((await res.json()) as { error: string }).error, 'RevocationRefusedError')
  })

  it("sends the app's scripts compressed to a browser that accepts it, each encoding its own version", async () => {
    const path = '/assets/peer-0a1b2c.js'
    const br = await getBytes(relay, path, { 'accept-encoding': 'gzip, deflate, br, zstd' })
    assert.equal(br.status, 200)
    assert.equal(br.headers['content-encoding'], 'br')
    assert.equal(br.headers.vary, 'accept-encoding')
    assert.equal(Number(br.headers['content-length']), br.body.length)
    assert.ok(br.body.length < PEER_CODE.length / 5, `${br.body.length} bytes sent`)
    assert.equal(brotliDecompressSync(br.body).toString(), PEER_CODE)

    const gz = await getBytes(relay, path, { 'accept-encoding': 'gzip;q=1, br;q=0' })
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(gz.body).toString(), PEER_CODE)

    const plain = await getBytes(relay, path, {})
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.equal(plain.body.toString(), PEER_CODE)

    const tags = new Set([br.headers.etag, gz.headers.etag, plain.headers.etag])
    assert.equal(tags.size, 3, 'each encoding has its own ETag')
    const again = await getBytes(relay, path, {
      'accept-encoding': 'br',
      'if-none-match': String(br.headers.etag),
    })
    assert.equal(again.status, 304)
    const other = await getBytes(relay, path, { 'if-none-match': String(br.headers.etag) })
    assert.equal(other.status, 200, 'the Brotli version does not stand for the plain one')

    const small = await getBytes(relay, '/sw.js', { 'accept-encoding': 'br' })
    assert.equal(small.headers['content-encoding'], undefined, 'a small file is sent as it is')
  })
})
