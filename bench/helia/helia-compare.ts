/**
 * Helia doing Alternet's job, for the bench to report beside Alternet's own figure in the same
 * run: a Node Helia node adds the 20 MiB (`@helia/unixfs`, its defaults) and listens on a
 * loopback WebSocket; in Chromium, a fresh Helia node per fetch dials it and reads the file over
 * bitswap. The same kind of transport as a page fetching from a mirror relay (page→Node
 * WebSocket), and in a browser, as a visitor is.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { unixfs } from '@helia/unixfs'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { startHelia } from './helia-node.ts'
import type { BenchRow } from '../types.ts'
import type { HeliaRead } from './helia-page.ts'

/** What the comparison measured. */
export interface HeliaFigures {
  /** The installed Helia's version. */
  version: string
  /** The source node's `addBytes` of the file, ms. */
  addMs: number
  /** The fetches that read every byte. */
  reads: HeliaRead[]
  /** Fetches that failed or read a different byte count, with their reasons. */
  failures: string[]
}

const HELIA_PACKAGE = new URL('../../node_modules/helia/package.json', import.meta.url)
const PAGE = fileURLToPath(new URL('./helia-page.ts', import.meta.url))

async function pageScript(): Promise<string> {
  const bundle = await build({
    entryPoints: [PAGE],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    conditions: ['browser', 'production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  })
  return bundle.outputFiles[0].text
}

/**
 * Adds `bytes` to a Node Helia node and has `runs` fresh Chromium Helia nodes fetch them, each
 * bounded by `timeoutMs`; a failed fetch is counted, not thrown.
 */
export async function heliaFromNode(
  browser: Browser,
  bytes: Uint8Array,
  runs: number,
  timeoutMs: number,
): Promise<HeliaFigures> {
  const script = await pageScript()
  const server = createServer((req, res) => {
    if (req.url === '/helia.js')
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><meta charset="utf-8"><script type="module" src="/helia.js"></script>')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const source = await startHelia(['/ip4/127.0.0.1/tcp/0/ws'])
  const context = await browser.newContext()
  try {
    const added = performance.now()
    const cid = await unixfs(source).addBytes(bytes)
    const addMs = performance.now() - added
    const address = source.libp2p.getMultiaddrs()[0].toString()
    const page = await context.newPage()
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    await page.waitForFunction(() => 'heliaFetch' in window)
    const reads: HeliaRead[] = []
    const failures: string[] = []
    for (let i = 0; i < runs; i++) {
      const read = await page
        .evaluate(
          ([a, c, t]) =>
            (
              window as unknown as {
                heliaFetch: (a: string, c: string, t: number) => Promise<HeliaRead>
              }
            ).heliaFetch(a, c, t),
          [address, cid.toString(), timeoutMs] as const,
        )
        .catch((error: unknown) => (error instanceof Error ? error.message : String(error)))
      if (typeof read === 'string') failures.push(read.split('\n')[0])
      else if (read.bytes !== bytes.length) failures.push(`${read.bytes} bytes`)
      else reads.push(read)
    }
    const { version } = JSON.parse(await readFile(HELIA_PACKAGE, 'utf8')) as { version: string }
    return { version, addMs, reads, failures }
  } finally {
    await context.close()
    await source.stop()
    server.closeAllConnections()
    server.close()
  }
}

/** Alternet's figures for the same job in the same run. */
export interface SameJob {
  label: string
  firstByteMs: number
  mbPerS: number
}

/**
 * Reports Helia's rows: time to first byte and throughput (medians) beside Alternet's for the
 * same job when it was measured, and the failed fetches.
 */
export function reportHelia(
  row: (metric: string, value: number, unit: string, extra?: Partial<BenchRow>) => void,
  helia: HeliaFigures,
  runs: number,
  alternet: SameJob | undefined,
): void {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const size = helia.reads[0]?.bytes ?? 0
  const note =
    `Helia ${helia.version} in Chromium, a fresh node per fetch, dials a Node Helia node on a loopback ` +
    `WebSocket and reads the file with @helia/unixfs cat (bitswap, its 1 MiB blocks); it is given the ` +
    `address and CID (no lookup), Alternet resolves the name and finds the mirrors; ` +
    `${helia.reads.length} of ${runs} fetches read every byte` +
    (helia.failures.length > 0 ? ` (failed: ${helia.failures.join('; ')})` : '') +
    (alternet === undefined ? '; Alternet’s figure was not measured in this run' : '')
  if (helia.reads.length > 0) {
    const last = median(helia.reads.map((r) => r.lastByteMs))
    row(
      'Helia, 20 MiB from a Node peer, time to first byte',
      median(helia.reads.map((r) => r.firstByteMs)),
      'ms',
      {
        note,
        baseline: alternet && { label: alternet.label, value: alternet.firstByteMs },
      },
    )
    row('Helia, 20 MiB from a Node peer, throughput', size / 1e6 / (last / 1000), 'MB/s', {
      note,
      baseline: alternet && { label: alternet.label, value: alternet.mbPerS },
    })
  }
  row('Helia, fetches failed', helia.failures.length, `of ${runs}`, { note })
}
