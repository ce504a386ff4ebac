/**
 * Who may read `/metrics`: by default only direct requests from loopback, not forwarded by a
 * proxy and not addressed to the app's host name; `--public-metrics` opens it to anyone.
 */
import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'

/** This machine's first non-loopback IPv4 address. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  return undefined
}

/** GET /metrics at `address` on the relay's HTTP port; the status. */
function metricsStatus(
  relay: RelayProcess,
  address: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const port = new URL(relay.http).port
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address, port, path: '/metrics', headers, timeout: 5000 },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('relay metrics access', () => {
  let dir: string
  let closed: RelayProcess
  let open: RelayProcess
  const lan = lanAddress()

  before(async () => {
    dir = await tempDir()
    // Bound to every interface, as a public relay is.
    ;[closed, open] = await Promise.all([
      startRelay(`${dir}/closed`, ['--host', '0.0.0.0']),
      startRelay(`${dir}/open`, ['--host', '0.0.0.0', '--public-metrics']),
    ])
  })

  after(async () => {
    await Promise.all([closed?.stop(), open?.stop()])
    await removeDir(dir)
  })

  it('answers loopback scrapes only, by default', async () => {
    assert.ok(lan !== undefined, 'this machine has no non-loopback IPv4 address to test from')
    assert.equal(await metricsStatus(closed, '127.0.0.1'), 200)
    assert.equal(await metricsStatus(closed, lan), 404, 'metrics served to another address')
    assert.equal(
      await metricsStatus(closed, '127.0.0.1', { host: 'an.localhost' }),
      404,
      "metrics served on the app's host name",
    )
    assert.equal(
      await metricsStatus(closed, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }),
      404,
      'metrics served through a proxy',
    )
  })

  it('answers anyone with --public-metrics', async () => {
    assert.ok(lan !== undefined)
    assert.equal(await metricsStatus(open, lan), 200)
    assert.equal(await metricsStatus(open, '127.0.0.1', { host: 'an.localhost' }), 200)
  })
})
