/**
 * Where a visitor's page spends its time fetching 20 MiB from relay mirrors
 * (`node bench/mirror-profile.ts [--runs N] [--profile] [--relays N]`): three relays mirror a
 * site (one 20 MiB file), its publisher leaves, and fresh visitors fetch the file, each beside
 * the raw page→Node WebSocket ceiling in the same page. With `--profile`, Chromium's CPU
 * profiler (CDP `Profiler.start`/`stop`) runs during each fetch and the main thread's self time
 * is summed by source file and by function (through the build's source map). Prints medians
 * with min–max and the machine's load; not a part of `npm run bench` (see bench/README.md).
 * With `--compare REF`, the page is also built from git revision REF and the visitors alternate
 * between the two builds, so that a change is judged within the same minutes of a shared
 * machine's load. With `--relay-profile`, the relays run with Node's inspector and are profiled
 * during each fetch the same way. With `--ws-frames`, the WebSocket messages the page receives
 * during each fetch are counted by size (CDP's Network events; they slow the fetch, so its
 * figures are not speeds). With `--small N`, the site also has N small files that each visitor
 * fetches at once before the big one, timed by the browser's Resource Timing (with `--profile`,
 * the page's time meanwhile by function). Each run also prints what the relays counted during
 * its fetch: blocks served over HTTP and in all, CAR answers begun and cut short.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import type { Browser } from 'playwright-core'
import { HARNESS_ENTRY, HARNESS_PATH, REPO_ROOT } from '../test/e2e/peer-support/build.ts'
import { Person, launchChromium } from '../test/e2e/peer-support/people.ts'
import { startNetwork } from '../test/e2e/peer-support/relays.ts'
import { startVisitor } from '../test/relay/support/site-publisher.ts'
import {
  MIRRORS_MS,
  countsSince,
  cpuByKind,
  servedCounts,
  untilCopies,
  webSocketCeiling,
} from './mirror-support.ts'

const SIZE = 20 * 1024 * 1024
const CALL_MS = 120_000

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    relays: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
    compare: { type: 'string' },
    'relay-profile': { type: 'boolean', default: false },
    'ws-frames': { type: 'boolean', default: false },
    small: { type: 'string', default: '0' },
  },
})
const runs = Number(values.runs)
const smallCount = Number(values.small)
/** A small file of a page (a style sheet): one chunk. */
const SMALL_SIZE = 3 * 1024
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

/** Where the build of `--compare REF` is served, under the app origin. */
const COMPARE_BASE = '/compare/'

/**
 * Builds the harness from the sources under `root` into `outDir`, served under `base`:
 * unminified, with source maps, so that a profile names files and functions.
 */
async function buildReadable(root: string, outDir: string, base = '/'): Promise<void> {
  const { build } = await import('vite')
  await build({
    root,
    base,
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
      rollupOptions: { input: { harness: join(root, HARNESS_ENTRY) } },
    },
    worker: { format: 'es' },
  })
}

/** The sources of git revision `ref` in a temp folder, beside this checkout's node_modules. */
async function checkout(ref: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'an-profile-ref-'))
  execFileSync('sh', ['-c', `git archive ${ref} src test | tar -x -C ${dir}`], { cwd: REPO_ROOT })
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

/** Source maps of a build, by the served file's name, added to `maps`. */
async function sourceMaps(dir: string, maps: Map<string, SourceMapConsumer>): Promise<void> {
  const assets = join(dir, 'assets')
  for (const name of await readdir(assets)) {
    if (!name.endsWith('.js.map')) continue
    const raw = JSON.parse(await readFile(join(assets, name), 'utf8')) as RawSourceMap
    maps.set(name.slice(0, -'.map'.length), new SourceMapConsumer(raw))
  }
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

/** A relay's inspector: the CDP calls the profile needs, over its WebSocket. */
class Inspector {
  readonly #ws: WebSocket
  readonly #waiting = new Map<number, (result: unknown) => void>()
  #next = 1

  private constructor(ws: WebSocket) {
    this.#ws = ws
    ws.addEventListener('message', (event) => {
      const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
      if (msg.id !== undefined) this.#waiting.get(msg.id)?.(msg.result)
    })
  }

  /** Connects to the inspector a relay announced on its stderr. */
  static async open(stderr: string): Promise<Inspector> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1]
    if (url === undefined) throw new Error('the relay announced no inspector')
    const ws = new WebSocket(url)
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve, { once: true })
      ws.addEventListener('error', reject, { once: true })
    })
    return new Inspector(ws)
  }

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.#next++
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve)
      this.#ws.send(JSON.stringify({ id, method, params }))
    })
  }

  close(): void {
    this.#ws.close()
  }
}

/** What one build's visitors measured. */
class Results {
  readonly fetched: number[] = []
  readonly first: number[] = []
  readonly ceiling: number[] = []
  readonly loads: number[] = []
  readonly cpu = new Map<string, number[]>()
  readonly files = new Map<string, number[]>()
  readonly functions = new Map<string, number[]>()
  readonly callers = new Map<string, number[]>()
  readonly relayFunctions = new Map<string, number[]>()
  readonly relayFiles = new Map<string, number[]>()
  /** The page's time while it fetched the small files, by function and its callers. */
  readonly smallCallers = new Map<string, number[]>()
}

function push(m: Map<string, number[]>, key: string, value: number): void {
  m.set(key, [...(m.get(key) ?? []), value])
}

/**
 * The site's small files fetched by `person` all at once, as a page's files are: the slowest
 * file's time, and the page's requests of their blocks from the mirrors split by the browser's
 * Resource Timing into the wait before each went out (a free connection) and its answer's start.
 */
async function smallFiles(person: Person, site: string): Promise<string> {
  const [seen, pageT0] = await person.page.evaluate(
    () => [performance.getEntriesByType('resource').length, performance.now()] as const,
  )
  const reports = await Promise.all(
    Array.from({ length: smallCount }, (_, i) =>
      person.callWithin(CALL_MS, 'fetch', `an://${site}/s${i}.css`),
    ),
  )
  const entries = await person.page.evaluate(
    ([seen, pageT0]) =>
      performance
        .getEntriesByType('resource')
        .slice(seen)
        .filter((e) => e.name.includes('/ipfs/'))
        .map((e) => {
          const r = e as PerformanceResourceTiming
          return {
            asked: r.startTime - pageT0,
            queued: r.requestStart - r.startTime,
            answered: r.responseStart - r.requestStart,
          }
        }),
    [seen, pageT0] as const,
  )
  const ms = (f: (e: (typeof entries)[number]) => number): string =>
    spread(entries.map(f), (x) => x.toFixed(0))
  const slowest = Math.max(...reports.map((r) => r.lastByteMs))
  const answers = spread(
    reports.map((r) => r.responseMs),
    (x) => x.toFixed(0),
  )
  return (
    `${smallCount} small files at once: each answered ${answers} ms after it was asked, the ` +
    `last read whole after ${slowest.toFixed(0)} ms; ` +
    `their ${entries.length} block requests went to the browser ${ms((e) => e.asked)} ms ` +
    `after the first file was asked, out ${ms((e) => e.queued)} ms later, answered ` +
    `${ms((e) => e.answered)} ms after that`
  )
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'an-profile-harness-'))
  const maps = new Map<string, SourceMapConsumer>()
  await buildReadable(REPO_ROOT, dir)
  await sourceMaps(dir, maps)
  const variants = [{ name: 'this checkout', path: HARNESS_PATH }]
  let refDir: string | undefined
  if (values.compare !== undefined) {
    refDir = await checkout(values.compare)
    await buildReadable(refDir, join(dir, COMPARE_BASE), COMPARE_BASE)
    await sourceMaps(join(dir, COMPARE_BASE), maps)
    variants.push({ name: values.compare, path: `${COMPARE_BASE}${HARNESS_ENTRY}` })
  }
  const browser: Browser = await launchChromium()
  if (values['relay-profile']) process.env.NODE_OPTIONS = '--inspect=127.0.0.1:0'
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
    const published = await a.callWithin(MIRRORS_MS, 'publishSite', site, [
      { path: '/index.html', text: `<h1>${tag}</h1>` },
      { path: '/big.bin', size: SIZE, seed: 11 },
      ...Array.from({ length: smallCount }, (_, i) => ({
        path: `/s${i}.css`,
        size: SMALL_SIZE,
        seed: 100 + i,
      })),
    ])
    if ('error' in published) throw new Error(`publish: ${published.message}`)
    await copies
    await a.close()
    const relayPids = new Set(network.relays.map((r) => r.process.proc.pid ?? -1))
    const results = variants.map(() => new Results())
    for (let i = 0; i < runs; i++) {
      // Each build goes first in every other pair: a fetch just after another runs beside the
      // browser's writes of the one before (its 20 MiB kept once delivered).
      const order = i % 2 === 0 ? [...variants.entries()] : [...variants.entries()].reverse()
      for (const [v, variant] of order) {
        const r = results[v]
        const load = loadavg()[0]
        r.loads.push(load)
        const b = await Person.open(browser, `B${i}`, network.pageUrl(variant.path))
        people.push(b)
        await b.callWithin(60_000, 'start')
        const warm = await b.callWithin(CALL_MS, 'fetch', `an://${site}/index.html`)
        if (warm.status !== 200) throw new Error(`index: ${warm.status}`)
        if (smallCount > 0) {
          const cdp = await b.context.newCDPSession(b.page)
          if (values.profile) {
            await cdp.send('Profiler.enable')
            await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
            await cdp.send('Profiler.start')
          }
          console.log(`  ${await smallFiles(b, site)}`)
          if (values.profile) {
            const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
            for (const [k, t] of summarise(profile, maps).byCaller) push(r.smallCallers, k, t)
          }
          await cdp.detach()
        }
        // Before the fetch: the page writes the fetched blocks to its store once it is delivered.
        const ws = (await webSocketCeiling(b.page, SIZE, 1))[0].last
        r.ceiling.push(ws)
        const cdp = await b.context.newCDPSession(b.page)
        if (values.profile) {
          await cdp.send('Profiler.enable')
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
          await cdp.send('Profiler.start')
        }
        const inspectors = values['relay-profile']
          ? await Promise.all(network.relays.map((r) => Inspector.open(r.process.stderr())))
          : []
        for (const ins of inspectors) {
          await ins.send('Profiler.enable')
          await ins.send('Profiler.setSamplingInterval', { interval: 200 })
          await ins.send('Profiler.start')
        }
        const frames: number[] = []
        if (values['ws-frames']) {
          await cdp.send('Network.enable')
          cdp.on('Network.webSocketFrameReceived', (e) => {
            // Binary payloads come base64-encoded: 4 characters per 3 bytes.
            const data = e.response.payloadData
            const pad = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0
            frames.push((data.length / 4) * 3 - pad)
          })
        }
        const countsBefore = await servedCounts(network.relays)
        const cpuBefore = cpuByKind(relayPids)
        const res = await b.callWithin(CALL_MS, 'fetch', `an://${site}/big.bin`)
        const counted = countsSince(countsBefore, await servedCounts(network.relays))
        for (const [kind, t] of cpuByKind(relayPids))
          push(r.cpu, kind, t - (cpuBefore.get(kind) ?? 0))
        if (values['ws-frames']) {
          await cdp.send('Network.disable')
          const bytes = frames.reduce((a, b) => a + b, 0)
          const small = frames.filter((n) => n < 1024).length
          console.log(
            `  WebSocket messages received: ${frames.length} (${small} under 1 KiB), ` +
              `${(bytes / 2 ** 20).toFixed(1)} MiB, ${(frames.length / (bytes / 2 ** 20)).toFixed(1)} per MiB`,
          )
        }
        for (const ins of inspectors) {
          const { profile } = (await ins.send('Profiler.stop')) as { profile: Profile }
          const s = summarise(profile, maps)
          for (const [k, t] of s.byFile) push(r.relayFiles, k, t)
          for (const [k, t] of s.byFunction) push(r.relayFunctions, k, t)
          ins.close()
        }
        if (values.profile) {
          const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
          const s = summarise(profile, maps)
          for (const [k, t] of s.byFile) push(r.files, k, t)
          for (const [k, t] of s.byFunction) push(r.functions, k, t)
          for (const [k, t] of s.byCaller) push(r.callers, k, t)
        }
        if (res.status !== 200 || res.sha256 !== published.sha256['/big.bin'])
          throw new Error(`big.bin: ${res.status} ${res.headers['x-an-error']}`)
        r.fetched.push(res.lastByteMs)
        r.first.push(res.firstByteMs)
        console.log(
          `run ${i + 1} (${variant.name}): mirrors ${mbPerS(res.lastByteMs).toFixed(2)} MB/s ` +
            `(first byte ${res.firstByteMs.toFixed(0)} ms), WebSocket ${mbPerS(ws).toFixed(2)} ` +
            `MB/s, load ${load.toFixed(2)}\n  relays: ${counted}`,
        )
        await b.close()
      }
    }
    for (const [v, variant] of variants.entries()) {
      const r = results[v]
      const ratios = r.fetched.map((ms, i) => r.ceiling[i] / ms)
      console.log(
        `\n${variant.name}: 20 MiB from ${relayCount} mirrors, ${runs} fresh visitors, ` +
          `load ${spread(r.loads)}`,
      )
      console.log(`  mirrors:    ${spread(r.fetched.map(mbPerS), (x) => x.toFixed(2))} MB/s`)
      console.log(`  first byte: ${spread(r.first, (x) => x.toFixed(0))} ms`)
      console.log(`  WebSocket:  ${spread(r.ceiling.map(mbPerS), (x) => x.toFixed(2))} MB/s`)
      console.log(`  ratio:      ${spread(ratios, (x) => x.toFixed(2))}`)
      console.log('  CPU seconds during a fetch (including the harness hashing the body):')
      for (const [kind, xs] of r.cpu) console.log(`    ${kind}: ${spread(xs, (x) => x.toFixed(2))}`)
      if (values.profile) {
        const top = Number(values.top)
        printTop('By file', r.files, top, runs)
        printTop('By function', r.functions, top, runs)
        printTop('By function and its callers', r.callers, top, runs)
        if (smallCount > 0)
          printTop('The small files, by function and its callers', r.smallCallers, top, runs)
      }
      if (values['relay-profile']) {
        const top = Number(values.top)
        // One value per relay and fetch: the median is a relay's share of one fetch.
        printTop('Each relay, by file', r.relayFiles, top, runs * relayCount)
        printTop('Each relay, by function', r.relayFunctions, top, runs * relayCount)
      }
    }
  } finally {
    await Promise.all(people.map((p) => p.close()))
    await watcher.stop()
    await network.stop()
    await browser.close()
    await rm(dir, { recursive: true, force: true })
    if (refDir !== undefined) await rm(refDir, { recursive: true, force: true })
  }
}

await main()
