/**
 * The relay's HTTP gateway over real HTTP, curl-like (node's http client, Host headers): every
 * HTTP rule of the app (types, HEAD, 301, the site's 404 page, ETag/304, Range/206/416, cache
 * headers from the record's TTL, errors with the app fetch's statuses), for a site the relay
 * mirrors (its publisher gone) and for a site whose only host is another peer; a tampered
 * block is an error or a cut connection, never a wrong byte; the per-client limit; per-site
 * counts in /metrics. Real relay processes; the publishers are Node peers hosting over
 * `/an/route/1.0.0` as a browser tab does.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, decodeManifest, type Manifest } from '../../src/core/content/index.ts'
import { errorEntry } from '../../src/core/errors/index.ts'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { gatewayRequest, maxAgeOf, type GatewayRequest } from './support/gateway-client.ts'
import { BIG, GATEWAY_FILES } from './support/gateway-site.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

/** The record's cache TTL, in seconds: below the gateway's cap, so `max-age` is at most this. */
const TTL = 120
/** Requests one client may make per minute at the host-only relay. */
const CLIENT_RATE = 60

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

describe('the HTTP gateway', () => {
  let dir: string
  let mirrorRelay: RelayProcess
  let hostRelay: RelayProcess
  let visitor: Visitor
  let gone: SitePublisher | undefined
  let host: SitePublisher
  const mirrored = uniqueName('gwmirror')
  const hosted = uniqueName('gwhost')
  let mirroredRoot: CID
  let hostedRoot: CID
  let hostedManifest: Manifest

  const get = (
    relay: RelayProcess,
    site: string,
    path: string,
    init: GatewayRequest = {},
  ): ReturnType<typeof gatewayRequest> =>
    gatewayRequest(relay.http, `${toOriginLabel(site)}.alt`, path, init)

  before(async () => {
    dir = await tempDir()
    mirrorRelay = await startRelay(`${dir}/m`, ['--mirror-scan-interval', '2s'])
    hostRelay = await startRelay(`${dir}/h`, [
      '--mirror-policy',
      'none',
      '--gateway-client-rate',
      String(CLIENT_RATE),
      '--gateway-host',
      'gw.test',
      '--bootstrap',
      mirrorRelay.tcp,
    ])
    await waitFor('relays see each other', async () => {
      const health = await Promise.all([mirrorRelay, hostRelay].map((r) => getJson(r, '/health')))
      return health.every((h) => (h.peers as number) >= 1)
    })
    gone = await startPublisher([mirrorRelay.tcp])
    mirroredRoot = (await gone.publish(mirrored, GATEWAY_FILES, { ttl: TTL })).root
    visitor = await startVisitor([mirrorRelay.tcp])
    await waitMirrored(visitor, mirrorRelay, mirrored, mirroredRoot)
    await gone.stop()
    host = await startPublisher([hostRelay.tcp])
    hostedRoot = (await host.publish(hosted, GATEWAY_FILES, { ttl: TTL })).root
    hostedManifest = await decodeManifest(host.store.blocks.get(hostedRoot.toString())!, hostedRoot)
  })

  after(async () => {
    await visitor?.stop()
    await gone?.stop()
    await host?.stop()
    await Promise.all([mirrorRelay, hostRelay].map((r) => r?.stop()))
    await removeDir(dir)
  })

  for (const where of ['mirrored', 'host-only'] as const) {
    const relay = (): RelayProcess => (where === 'mirrored' ? mirrorRelay : hostRelay)
    const site = (): string => (where === 'mirrored' ? mirrored : hosted)
    const root = (): CID => (where === 'mirrored' ? mirroredRoot : hostedRoot)

    describe(`a ${where} site`, () => {
      it('answers every file with its bytes, type, ETag, root and cache headers from the TTL', async () => {
        const types: Record<string, string> = {
          '/index.html': 'text/html; charset=utf-8',
          '/style.css': 'text/css; charset=utf-8',
          '/img.png': 'image/png',
          '/big.bin': 'application/octet-stream',
        }
        for (const [path, type] of Object.entries(types)) {
          const res = await get(relay(), site(), path)
          assert.equal(res.status, 200, `${path}: ${res.body.toString().slice(0, 200)}`)
          assert.ok(same(res.body, GATEWAY_FILES[path]), `${path} is byte-identical`)
          assert.equal(res.headers['content-type'], type)
          assert.equal(res.headers['content-length'], String(GATEWAY_FILES[path].length))
          const maxAge = maxAgeOf(res.headers)
          assert.ok(maxAge > 0 && maxAge <= TTL, `max-age ${maxAge} within the TTL ${TTL}`)
          assert.equal(res.headers['x-an-root'], root().toString())
          assert.equal(res.headers['x-content-type-options'], 'nosniff')
          assert.equal(res.headers['accept-ranges'], 'bytes')
          assert.match(String(res.headers.etag), /^"b[a-z2-7]+"$/)
          assert.equal(res.headers['content-security-policy'], undefined, 'no CSP on site bytes')
        }
        const index = await get(relay(), site(), '/')
        assert.ok(same(index.body, GATEWAY_FILES['/index.html']), '/ is the index page')
      })

      it('answers HEAD with the headers of GET and no body', async () => {
        const res = await get(relay(), site(), '/big.bin', { method: 'HEAD' })
        assert.equal(res.status, 200)
        assert.equal(res.headers['content-length'], String(BIG.length))
        assert.equal(res.body.length, 0)
      })

      it('redirects a folder to its index with 301, keeping the query', async () => {
        const res = await get(relay(), site(), '/docs?page=2')
        assert.equal(res.status, 301)
        assert.equal(res.headers.location, '/docs/?page=2')
        assert.equal(res.headers['content-length'], '0')
        const index = await get(relay(), site(), '/docs/')
        assert.equal(index.status, 200)
        assert.ok(same(index.body, GATEWAY_FILES['/docs/index.html']))
      })

      it("answers a missing path with 404 and the site's 404 page", async () => {
        const res = await get(relay(), site(), '/no/such/page')
        assert.equal(res.status, 404)
        assert.equal(res.headers['x-an-reason'], 'not-found')
        assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
        assert.ok(same(res.body, GATEWAY_FILES['/404.html']))
      })

      it('answers 304 to a matching If-None-Match, weak or in a list', async () => {
        const first = await get(relay(), site(), '/style.css')
        const etag = String(first.headers.etag)
        for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
          const res = await get(relay(), site(), '/style.css', {
            headers: { 'if-none-match': header },
          })
          assert.equal(res.status, 304, header)
          assert.equal(res.body.length, 0)
          assert.equal(res.headers.etag, etag)
        }
        const other = await get(relay(), site(), '/style.css', {
          headers: { 'if-none-match': '"something-else"' },
        })
        assert.equal(other.status, 200)
      })

      it('answers a range across chunks with 206, and one past the end with 416', async () => {
        const start = CHUNK_SIZE - 5
        const end = 3 * CHUNK_SIZE + 4
        const res = await get(relay(), site(), '/big.bin', {
          headers: { range: `bytes=${start}-${end}` },
        })
        assert.equal(res.status, 206)
        assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${BIG.length}`)
        assert.ok(same(res.body, BIG.subarray(start, end + 1)))
        const suffix = await get(relay(), site(), '/big.bin', { headers: { range: 'bytes=-10' } })
        assert.equal(suffix.status, 206)
        assert.ok(same(suffix.body, BIG.subarray(BIG.length - 10)))
        const past = await get(relay(), site(), '/big.bin', {
          headers: { range: `bytes=${BIG.length}-` },
        })
        assert.equal(past.status, 416)
        assert.equal(past.headers['content-range'], `bytes */${BIG.length}`)
        assert.equal(past.headers['content-length'], '0')
        assert.equal(past.headers['transfer-encoding'], undefined)
      })
    })
  }

  describe('errors', () => {
    it('answers a name nobody published with 404 and the registry words in a page', async () => {
      const res = await get(mirrorRelay, uniqueName('nobody'), '/', {
        headers: { accept: 'text/html' },
      })
      const page = res.body.toString()
      assert.equal(res.headers['cache-control'], 'no-store')
      assert.ok(!/[A-Z][a-z]+Error\b/.test(page), `no error name in the words: ${page}`)
      if (res.status === 504) {
        // The DHT look-up ran out of time on a loaded machine before every peer said "none".
        assert.equal(res.headers['x-an-error'], 'LookupTimeoutError')
        assert.ok(page.includes(escapeHtml(errorEntry('LookupTimeoutError').title)), page)
        return
      }
      assert.equal(res.status, 404)
      assert.equal(res.headers['x-an-error'], 'NameNotFoundError')
      assert.match(page, /nobody has published/i)
    })

    it('answers a method other than GET and HEAD with 405 and Allow', async () => {
      const res = await get(mirrorRelay, mirrored, '/', { method: 'POST' })
      assert.equal(res.status, 405)
      assert.equal(res.headers.allow, 'GET, HEAD')
      assert.equal(res.headers['x-an-error'], 'MethodNotAllowedError')
    })

    it('answers curl in the registry words as text, never an error name', async () => {
      const res = await get(mirrorRelay, mirrored, '/', { method: 'DELETE' })
      const text = res.body.toString()
      assert.equal(res.status, 405)
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/)
      assert.ok(!/[A-Z][a-z]+Error\b/.test(text), `no error name in the words: ${text}`)
      const words = errorEntry('MethodNotAllowedError')
      assert.equal(text, `${words.title}.\n${words.explanation}\n${words.action}\n`)
    })

    it('answers a host that is no origin label and a path that escapes with 400', async () => {
      const bad = await gatewayRequest(mirrorRelay.http, 'not_a_label.alt', '/')
      assert.equal(bad.status, 400)
      assert.equal(bad.headers['x-an-error'], 'InvalidNameError')
      const escape = await get(mirrorRelay, mirrored, '/a/%2e%2e/%2e%2e/secret')
      assert.equal(escape.status, 400)
      assert.equal(escape.headers['x-an-error'], 'InvalidPathError')
    })

    it('answers on <origin label>.<gateway host> as on .alt, and not on another host', async () => {
      const res = await gatewayRequest(hostRelay.http, `${toOriginLabel(hosted)}.gw.test`, '/')
      assert.equal(res.status, 200)
      assert.ok(same(res.body, GATEWAY_FILES['/index.html']))
      const other = await gatewayRequest(
        mirrorRelay.http,
        `${toOriginLabel(mirrored)}.gw.test`,
        '/',
      )
      assert.notEqual(other.status, 200, 'a relay without that gateway host does not serve it')
    })
  })

  describe("the relay's own origin", () => {
    it("keeps the relay's endpoints and the app off gateway hosts", async () => {
      for (const path of [
        '/metrics',
        '/health',
        '/.well-known/alternet.json',
        '/__an/bridge.html',
      ]) {
        const res = await get(mirrorRelay, mirrored, path)
        assert.equal(res.status, 404, path)
        assert.ok(same(res.body, GATEWAY_FILES['/404.html']), `${path} is the site's 404 page`)
        assert.equal(res.headers['access-control-allow-origin'], undefined, path)
      }
    })
  })

  describe('limits and counts', () => {
    it('limits requests per client address, and other clients are still served', async () => {
      const from: GatewayRequest = { method: 'HEAD', localAddress: '127.0.0.7' }
      for (let i = 0; i < CLIENT_RATE; i++) {
        const res = await get(hostRelay, hosted, '/style.css', from)
        assert.equal(res.status, 200, `request ${i + 1}`)
      }
      const refused = await get(hostRelay, hosted, '/style.css', from)
      assert.equal(refused.status, 429)
      assert.equal(refused.headers['x-an-error'], 'TooManyRequestsError')
      assert.ok(Number(refused.headers['retry-after']) >= 1)
      const other = await get(hostRelay, hosted, '/style.css', { method: 'HEAD' })
      assert.equal(other.status, 200, 'another address is served')
      const metrics = await (await fetch(`${hostRelay.http}/metrics`)).text()
      assert.equal(metricValue(metrics, 'alternet_gateway_limited_total{scope="client"}'), 1)
    })

    it('counts requests and bytes per site in /metrics', async () => {
      const metrics = await (await fetch(`${mirrorRelay.http}/metrics`)).text()
      const ok = metricValue(
        metrics,
        `alternet_gateway_requests_total{site="${mirrored}",status="200"}`,
      )
      assert.ok(ok >= 6, `requests counted: ${ok}`)
      const bytes = metricValue(metrics, `alternet_gateway_bytes_total{site="${mirrored}"}`)
      assert.ok(bytes >= BIG.length, `bytes counted: ${bytes}`)
    })
  })

  describe('tampered blocks', () => {
    it('answers 502 when the only host sends a wrong block, never its bytes', async () => {
      const cid = hostedManifest.files['/style.css'].chunks[0].toString()
      host.store.tampered.add(cid)
      try {
        const res = await get(hostRelay, hosted, '/style.css')
        assert.equal(res.status, 502)
        assert.equal(res.headers['x-an-error'], 'BlockVerificationError')
        assert.ok(!res.body.includes(Buffer.from('color')), 'no byte of the file')
      } finally {
        host.store.tampered.delete(cid)
      }
    })

    it('cuts the connection at a wrong block of a mirrored file, after only right bytes', async () => {
      const manifest = await visitor.manifest(mirroredRoot, [await visitor.connect(mirrorRelay)])
      const blockPath = (cid: string): string =>
        join(mirrorRelay.dataDir, 'mirror', 'blocks', cid.slice(-2), cid)
      const first = manifest.files['/img.png'].chunks[0].toString()
      const later = manifest.files['/big.bin'].chunks[2].toString()
      for (const cid of [first, later]) {
        const bytes = await readFile(blockPath(cid))
        bytes[bytes.length >> 1] ^= 0x40
        await writeFile(blockPath(cid), bytes)
      }
      const small = await get(mirrorRelay, mirrored, '/img.png')
      assert.equal(small.status, 502, 'a wrong first block is an error status')
      assert.equal(small.headers['x-an-error'], 'BlockVerificationError')
      const big = await get(mirrorRelay, mirrored, '/big.bin')
      assert.equal(big.status, 200)
      assert.ok(big.cut !== undefined, 'the connection is cut')
      assert.ok(big.body.length <= 2 * CHUNK_SIZE, `only the blocks before: ${big.body.length}`)
      assert.ok(same(big.body, BIG.subarray(0, big.body.length)), 'every byte sent is right')
    })
  })
})
