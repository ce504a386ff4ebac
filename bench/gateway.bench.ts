/**
 * Gateway figures (`npm run bench -- --only gateway`), each beside Node's own HTTP server
 * serving the same bytes from disk in the same run:
 * - time to first byte and throughput of a 20 MiB file from a site the relay mirrors (its
 *   publisher gone, so every byte comes from the mirror store, each block verified);
 * - the same from a site whose only host is a browser (headless Chromium, the publisher's tab
 *   open, a relay that mirrors nothing: the relay fetches every block from the tab);
 * - requests per second for a small page at 50 concurrent keep-alive clients.
 * The relay is its own process on 127.0.0.1 with the per-client rate raised (the bench makes
 * more requests a minute than a person would); each concurrent client has its own loopback
 * address. The baseline is `http.createServer` + `fs.createReadStream`.
 * @module
 */
import { createReadStream } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { Agent, createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { utf8 } from '../src/core/bytes.ts'
import { toOriginLabel } from '../src/core/names/index.ts'
import { pattern } from '../test/net/hosting-support.ts'
import { uniqueName } from '../test/relay/support/records.ts'
import { removeDir, startRelay, tempDir } from '../test/relay/support/relay-process.ts'
import { startPublisher, startVisitor, waitMirrored } from '../test/relay/support/site-publisher.ts'
import { browserHostedSite } from './gateway-browser-host.ts'
import type { BenchPart } from './types.ts'

/** Size of the large file. */
const BIG_BYTES = 20 * 1024 * 1024
/** Downloads of the large file measured per server (after one unmeasured). */
const DOWNLOADS = 3
/** Concurrent clients of the requests-per-second figure. */
const CLIENTS = 50
/** How long the requests-per-second figure runs per server, in ms. */
const RPS_DURATION_MS = 5_000
/** Requests one client address may make per minute at the bench's relay: no limit in effect. */
const UNLIMITED_RATE = 10_000_000
/** Seed of the browser-hosted site's large file (`deterministicBytes`). */
const BROWSER_BIG_SEED = 11

const PAGE = utf8(`<!doctype html><title>small</title><h1>${'small page '.repeat(40)}</h1>`)

interface Target {
  port: number
  host: string
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** One GET; resolves with the time to the first body byte and to the end, in ms, and the size. */
function download(
  target: Target,
  path: string,
): Promise<{ ttfb: number; total: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let first = 0
    let bytes = 0
    const req = request(
      { host: '127.0.0.1', port: target.port, path, headers: { host: target.host }, agent: false },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`))
        res.on('data', (d: Buffer) => {
          if (first === 0) first = performance.now()
          bytes += d.length
        })
        res.on('end', () =>
          resolve({ ttfb: first - started, total: performance.now() - started, bytes }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/**
 * Requests per second at `CLIENTS` keep-alive clients for `RPS_DURATION_MS`, each client from
 * its own loopback address (as distinct clients of a gateway are).
 */
async function requestsPerSecond(target: Target, path: string): Promise<number> {
  let done = 0
  const started = performance.now()
  const client = async (index: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const localAddress = `127.0.1.${index + 1}`
    const one = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: target.port,
            path,
            headers: { host: target.host },
            agent,
            localAddress,
          },
          (res) => {
            if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`))
            res.resume()
            res.on('end', () => resolve())
          },
        )
        req.on('error', reject)
        req.end()
      })
    try {
      while (performance.now() - started < RPS_DURATION_MS) {
        await one()
        done++
      }
    } finally {
      agent.destroy()
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)))
  return done / ((performance.now() - started) / 1000)
}

/** Where the large file came from: the mirror, Node's static server, a browser host. */
type Source = 'gateway' | 'node' | 'browser'

interface Timing {
  ttfb: number
  total: number
}

/** One unmeasured download of the large file, then `DOWNLOADS` measured, each of every byte. */
async function downloads(name: Source, target: Target): Promise<Timing[]> {
  await download(target, '/big.bin')
  const timings: Timing[] = []
  for (let i = 0; i < DOWNLOADS; i++) {
    const t = await download(target, '/big.bin')
    if (t.bytes !== BIG_BYTES) throw new Error(`${name}: ${t.bytes} bytes of ${BIG_BYTES}`)
    timings.push(t)
  }
  return timings
}

/** Node's own static file server over `dir`. */
async function staticServer(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').replace(/^\/+/, '') || 'index.html'
    const type = name.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream'
    const stream = createReadStream(join(dir, name))
    stream.once('open', () => res.writeHead(200, { 'content-type': type }))
    stream.once('error', () => res.writeHead(404).end())
    stream.pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

export const run: BenchPart = async (report) => {
  const dir = await tempDir('an-bench-gateway-')
  const big = pattern(BIG_BYTES, 11)
  const files = { '/index.html': PAGE, '/big.bin': big }
  await mkdir(join(dir, 'static'))
  await writeFile(join(dir, 'static', 'index.html'), PAGE)
  await writeFile(join(dir, 'static', 'big.bin'), big)
  const relay = await startRelay(join(dir, 'relay'), [
    '--mirror-scan-interval',
    '2s',
    '--gateway-client-rate',
    String(UNLIMITED_RATE),
    '--log-level',
    'error',
  ])
  const server = await staticServer(join(dir, 'static'))
  try {
    const site = uniqueName('bench')
    const publisher = await startPublisher([relay.tcp])
    const { root } = await publisher.publish(site, files)
    const visitor = await startVisitor([relay.tcp])
    await waitMirrored(visitor, relay, site, root)
    await visitor.stop()
    await publisher.stop()

    const gateway: Target = {
      port: Number(new URL(relay.http).port),
      host: `${toOriginLabel(site)}.alt`,
    }
    const node: Target = { port: (server.address() as AddressInfo).port, host: '127.0.0.1' }
    const timings: Record<Source, Timing[]> = { gateway: [], node: [], browser: [] }
    for (const [name, target] of [
      ['gateway', gateway],
      ['node', node],
    ] as const)
      timings[name] = await downloads(name, target)
    const ttfb = (name: Source): number =>
      percentile(
        timings[name].map((t) => t.ttfb),
        50,
      )
    const mbps = (name: Source): number =>
      BIG_BYTES /
      1024 /
      1024 /
      (percentile(
        timings[name].map((t) => t.total),
        50,
      ) /
        1000)
    const base = { part: 'gateway', runtime: 'node' }
    report({
      ...base,
      metric: 'time to first byte, 20 MiB file, mirrored site (median)',
      value: ttfb('gateway'),
      unit: 'ms',
      baseline: { label: 'node http static file', value: ttfb('node') },
    })
    report({
      ...base,
      metric: 'throughput, 20 MiB file, mirrored site (median)',
      value: mbps('gateway'),
      unit: 'MiB/s',
      baseline: { label: 'node http static file', value: mbps('node') },
    })
    await requestsPerSecond(gateway, '/index.html')
    const gatewayRps = await requestsPerSecond(gateway, '/index.html')
    await requestsPerSecond(node, '/index.html')
    const nodeRps = await requestsPerSecond(node, '/index.html')
    report({
      ...base,
      metric: `small page, ${CLIENTS} concurrent clients`,
      value: gatewayRps,
      unit: 'req/s',
      baseline: { label: 'node http static file', value: nodeRps },
    })

    // A site whose only host is a browser tab.
    const hostedSite = uniqueName('benchtab')
    const tab = await browserHostedSite(
      hostedSite,
      [
        { path: '/index.html', text: '<h1>hosted by a tab</h1>' },
        { path: '/big.bin', size: BIG_BYTES, seed: BROWSER_BIG_SEED },
      ],
      ['--gateway-client-rate', String(UNLIMITED_RATE)],
    )
    try {
      timings.browser = await downloads('browser', {
        port: Number(new URL(tab.http).port),
        host: `${toOriginLabel(hostedSite)}.alt`,
      })
    } finally {
      await tab.close()
    }
    const note = `median of ${DOWNLOADS} after one unmeasured; the publisher's tab open, no mirror`
    report({
      ...base,
      metric: 'time to first byte, 20 MiB file, site hosted only by a browser (median)',
      value: ttfb('browser'),
      unit: 'ms',
      baseline: { label: 'node http static file', value: ttfb('node') },
      note,
    })
    report({
      ...base,
      metric: 'throughput, 20 MiB file, site hosted only by a browser (median)',
      value: mbps('browser'),
      unit: 'MiB/s',
      baseline: { label: 'node http static file', value: mbps('node') },
      note,
    })
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await relay.stop()
    await removeDir(dir)
  }
}
