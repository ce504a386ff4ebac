/**
 * Where a visitor's page spends its time fetching 20 MiB from relay mirrors
 * (`node bench/mirror-profile.ts [--runs N] [--profile] [--relays N]`): three relays mirror a
 * site (one 20 MiB file), its publisher leaves, and fresh visitors fetch the file, each beside
 * the raw page→Node WebSocket ceiling in the same page. With `--profile`, Chromium's CPU
 * profiler (CDP `Profiler.start`/`stop`) runs during each fetch and the main thread's self time
 * is summed by source file and by function (through the build's source map). Prints medians
 * with min–max and the machine's load; not a part of `npm run bench` (see bench/README.md).
 * @module
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import type { Browser } from 'playwright-core'
import { HARNESS_ENTRY, HARNESS_PATH, REPO_ROOT } from '../test/e2e/peer-support/build.ts'
import { Person, launchChromium } from '../test/e2e/peer-support/people.ts'
import { startNetwork } from '../test/e2e/peer-support/relays.ts'
import { startVisitor } from '../test/relay/support/site-publisher.ts'
import { untilCopies, webSocketCeiling } from './mirror-support.ts'

const SIZE = 20 * 1024 * 1024
const CALL_MS = 120_000

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    relays: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
  },
})
const runs = Number(values.runs)
const relayCount = Number(values.relays)

/** One CPU profile node, as CDP gives it. */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Builds the harness unminified with source maps, so a profile names files and functions. */
async function buildReadable(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'an-profile-harness-'))
  const { build } = await import('vite')
  await build({
    root: REPO_ROOT,
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      minify: false,
      reportCompressedSize: false,
      rollupOptions: { input: { harness: join(REPO_ROOT, HARNESS_ENTRY) } },
    },
    worker: { format: 'es' },
  })
  return outDir
}

/** Source maps of the build, by the served file's name. */
async function sourceMaps(dir: string): Promise<Map<string, SourceMapConsumer>> {
  const maps = new Map<string, SourceMapConsumer>()
  const assets = join(dir, 'assets')
  for (const name of await readdir(assets)) {
    if (!name.endsWith('.js.map')) continue
    const raw = JSON.parse(await readFile(join(assets, name), 'utf8')) as RawSourceMap
    maps.set(name.slice(0, -'.map'.length), new SourceMapConsumer(raw))
  }
  return maps
}

/** A short name for a source file: the package, or the path under src/. */
function shortFile(source: string): string {
  const nm = source.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = source.slice(nm + 'node_modules/'.length).split('/')
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
    const file = rest[rest.length - 1]
    return `${pkg} ${file}`
  }
  const src = source.indexOf('src/')
  return src >= 0 ? source.slice(src) : source
}

/** Self time (ms) by file and by function of one profile. */
function summarise(
  profile: Profile,
  maps: Map<string, SourceMapConsumer>,
): {
  byFile: Map<string, number>
  byFunction: Map<string, number>
  byCaller: Map<string, number>
  total: number
} {
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  const byFile = new Map<string, number>()
  const byFunction = new Map<string, number>()
  /** Self time of each function beside the function that called it. */
  const byCaller = new Map<string, number>()
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id)
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const names = new Map<number, string>()
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v)
  }
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    if (ms === 0) continue
    const { functionName, url, lineNumber, columnNumber } = node.callFrame
    let file = url === '' ? `(${functionName || 'native'})` : url
    let fn = functionName || '(anonymous)'
    const map = maps.get(url.split('/').pop() ?? '')
    if (map !== undefined) {
      const pos = map.originalPositionFor({ line: lineNumber + 1, column: columnNumber })
      if (pos.source !== null) {
        file = shortFile(pos.source)
        fn = `${fn} (${file}:${pos.line})`
      }
    } else if (url !== '') {
      fn = `${fn} (${url.split('/').pop()}:${lineNumber + 1})`
    }
    names.set(node.id, fn)
    add(byFile, file, ms)
    add(byFunction, fn, ms)
  }
  const nameOf = (id: number | undefined): string => {
    const node = id === undefined ? undefined : nodes.get(id)
    if (node === undefined) return '(root)'
    return (
      names.get(node.id) ??
      `${node.callFrame.functionName || '(anonymous)'} (${shortUrl(node, maps)})`
    )
  }
  for (const [id, ms] of self) {
    const p = parent.get(id)
    add(
      byCaller,
      `${nameOf(id)}  <-  ${nameOf(p)}  <-  ${nameOf(p === undefined ? p : parent.get(p))}`,
      ms,
    )
  }
  return { byFile, byFunction, byCaller, total: (profile.endTime - profile.startTime) / 1000 }
}

/** Where a profile node's function is, through the source map. */
function shortUrl(node: ProfileNode, maps: Map<string, SourceMapConsumer>): string {
  const { url, lineNumber, columnNumber } = node.callFrame
  const map = maps.get(url.split('/').pop() ?? '')
  if (map === undefined) return url.split('/').pop() ?? ''
  const pos = map.originalPositionFor({ line: lineNumber + 1, column: columnNumber })
  return pos.source === null ? '' : `${shortFile(pos.source)}:${pos.line}`
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mbPerS = (ms: number): number => SIZE / 1e6 / (ms / 1000)
const spread = (xs: number[], f = (x: number) => x.toFixed(1)): string =>
  `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`

function printTop(title: string, sums: Map<string, number[]>, n: number, count: number): void {
  console.log(`\n${title} (self ms per fetch, median over ${count})`)
  const rows = [...sums].map(([k, v]) => {
    const all = [...v, ...Array.from({ length: count - v.length }, () => 0)]
    return [k, median(all)] as const
  })
  rows.sort((a, b) => b[1] - a[1])
  for (const [k, ms] of rows.slice(0, n)) console.log(`${ms.toFixed(0).padStart(7)}  ${k}`)
}

async function main(): Promise<void> {
  const dir = await buildReadable()
  const maps = await sourceMaps(dir)
  const browser: Browser = await launchChromium()
  const network = await startNetwork(relayCount, dir, [
    '--mirror-policy',
    'open',
    '--mirror-replicas',
    String(relayCount),
    '--mirror-scan-interval',
    '2s',
  ])
  const watcher = await startVisitor(network.relays.map((r) => r.process.tcp))
  const people: Person[] = []
  try {
    const tag = Math.random().toString(36).slice(2, 8)
    const site = `profile${tag}:code`
    const a = await Person.open(browser, 'A', network.pageUrl(HARNESS_PATH))
    people.push(a)
    await a.callWithin(60_000, 'start')
    const copies = untilCopies(watcher, network, site, relayCount)
    const published = await a.callWithin(CALL_MS, 'publishSite', site, [
      { path: '/index.html', text: `<h1>${tag}</h1>` },
      { path: '/big.bin', size: SIZE, seed: 11 },
    ])
    if ('error' in published) throw new Error(`publish: ${published.message}`)
    await copies
    await a.close()
    const fetched: number[] = []
    const first: number[] = []
    const ceiling: number[] = []
    const loads: number[] = []
    const files = new Map<string, number[]>()
    const functions = new Map<string, number[]>()
    const callers = new Map<string, number[]>()
    for (let i = 0; i < runs; i++) {
      loads.push(loadavg()[0])
      const b = await Person.open(browser, `B${i}`, network.pageUrl(HARNESS_PATH))
      people.push(b)
      await b.callWithin(60_000, 'start')
      const warm = await b.callWithin(CALL_MS, 'fetch', `an://${site}/index.html`)
      if (warm.status !== 200) throw new Error(`index: ${warm.status}`)
      const cdp = await b.context.newCDPSession(b.page)
      if (values.profile) {
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
        await cdp.send('Profiler.start')
      }
      const res = await b.callWithin(CALL_MS, 'fetch', `an://${site}/big.bin`)
      if (values.profile) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
        const s = summarise(profile, maps)
        for (const [k, v] of s.byFile) files.set(k, [...(files.get(k) ?? []), v])
        for (const [k, v] of s.byFunction) functions.set(k, [...(functions.get(k) ?? []), v])
        for (const [k, v] of s.byCaller) callers.set(k, [...(callers.get(k) ?? []), v])
      }
      if (res.status !== 200 || res.sha256 !== published.sha256['/big.bin'])
        throw new Error(`big.bin: ${res.status} ${res.headers['x-an-error']}`)
      fetched.push(res.lastByteMs)
      first.push(res.firstByteMs)
      ceiling.push((await webSocketCeiling(b.page, SIZE, 1))[0].last)
      console.log(
        `run ${i + 1}: mirrors ${mbPerS(res.lastByteMs).toFixed(2)} MB/s (first byte ` +
          `${res.firstByteMs.toFixed(0)} ms), WebSocket ${mbPerS(ceiling[i]).toFixed(2)} MB/s, ` +
          `load ${loads[i].toFixed(2)}`,
      )
      await b.close()
    }
    const ratios = fetched.map((ms, i) => ceiling[i] / ms)
    console.log(
      `\n20 MiB from ${relayCount} mirrors, ${runs} fresh visitors, load ${spread(loads)}`,
    )
    console.log(`  mirrors:    ${spread(fetched.map(mbPerS), (x) => x.toFixed(2))} MB/s`)
    console.log(`  first byte: ${spread(first, (x) => x.toFixed(0))} ms`)
    console.log(`  WebSocket:  ${spread(ceiling.map(mbPerS), (x) => x.toFixed(2))} MB/s`)
    console.log(`  ratio:      ${spread(ratios, (x) => x.toFixed(2))}`)
    if (values.profile) {
      const top = Number(values.top)
      printTop('By file', files, top, runs)
      printTop('By function', functions, top, runs)
      printTop('By function and its callers', callers, top, runs)
    }
  } finally {
    await Promise.all(people.map((p) => p.close()))
    await watcher.stop()
    await network.stop()
    await browser.close()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
