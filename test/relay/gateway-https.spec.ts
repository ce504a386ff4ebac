/**
 * The gateway over HTTPS: a relay given a certificate (`--tls-cert`, `--tls-key`, `--https`)
 * answers gateway requests on its TLS port with the operator's certificate, by Host as over
 * plain HTTP (`<origin label>.alt` and `<origin label>.<gateway host>`, the name sent in SNI
 * too), with the same bytes and headers. A real relay process; the site's only host is a Node
 * peer hosting over `/an/route/1.0.0`.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { request } from 'node:https'
import type { PeerCertificate, TLSSocket } from 'node:tls'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { maxAgeOf } from './support/gateway-client.ts'
import { GATEWAY_FILES } from './support/gateway-site.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, tempDir, type RelayProcess } from './support/relay-process.ts'
import { startPublisher, type SitePublisher } from './support/site-publisher.ts'
import { startTlsRelay } from './support/tls-relay.ts'

/** The gateway host name the relay answers sites under, besides `.alt`. */
const GATEWAY_HOST = 'gw.test'
/** The record's cache TTL, in seconds (below the gateway's cap). */
const TTL = 90

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  certificate: PeerCertificate
}

/** One HTTPS GET to the relay's port for `host` + `path`, `host` also sent as SNI. */
function httpsGet(http: string, host: string, path: string): Promise<Answer> {
  const url = new URL(http)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        servername: host,
        headers: { host },
        rejectUnauthorized: false,
        agent: false,
        timeout: 60_000,
      },
      (res) => {
        const certificate = (res.socket as TLSSocket).getPeerCertificate()
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
            certificate,
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer`)))
    req.end()
  })
}

describe('the HTTP gateway over HTTPS', () => {
  let dir: string
  let relay: RelayProcess
  let host: SitePublisher
  let fingerprint = ''
  const site = uniqueName('gwtls')

  before(async () => {
    dir = await tempDir()
    ;({ relay, fingerprint } = await startTlsRelay(dir, `*.${GATEWAY_HOST}`, [
      '--mirror-policy',
      'none',
      '--gateway-host',
      GATEWAY_HOST,
    ]))
    host = await startPublisher([relay.tcp])
    await host.publish(site, GATEWAY_FILES, { ttl: TTL })
  })

  after(async () => {
    await host?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('serves a site by Host on the TLS port, with the same bytes and headers as over HTTP', async () => {
    assert.match(relay.http, /^https:/)
    const label = toOriginLabel(site)
    for (const name of [`${label}.alt`, `${label}.${GATEWAY_HOST}`]) {
      for (const [path, type] of [
        ['/index.html', 'text/html; charset=utf-8'],
        ['/style.css', 'text/css; charset=utf-8'],
        ['/img.png', 'image/png'],
      ] as const) {
        const res = await httpsGet(relay.http, name, path)
        assert.equal(res.status, 200, `${name}${path}: ${res.body.toString().slice(0, 200)}`)
        assert.equal(res.certificate.fingerprint256, fingerprint, 'the operator’s certificate')
        assert.ok(Buffer.compare(res.body, GATEWAY_FILES[path]) === 0, `${path} byte-identical`)
        assert.equal(res.headers['content-type'], type)
        const maxAge = maxAgeOf(res.headers)
        assert.ok(maxAge > 0 && maxAge <= TTL, `max-age ${maxAge} within the TTL ${TTL}`)
      }
    }
    const missing = await httpsGet(relay.http, `${label}.alt`, '/no/such/page')
    assert.equal(missing.status, 404)
    assert.ok(Buffer.compare(missing.body, GATEWAY_FILES['/404.html']) === 0, "the site's 404 page")
  })
})
