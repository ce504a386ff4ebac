/**
 * Where a site's own read through its origin spends its time
 * (`node bench/site-profile.ts [--runs N] [--repeats N] [--what repeat|later] [--profile] [--trace]`).
 * The app is built unminified with source maps and served by a real relay; A publishes the site
 * bench's folder; each visitor (a fresh context) visits and reads the first file from the host
 * (the first transfer), then, once its blocks are kept, reads it `--repeats` times more (the
 * repeat visit), beside the app page's own read of the same blocks. With `--what later`, the
 * second file (a later transfer on the warm connection) is read instead of the repeats.
 * Reported per read: first and last byte, how many reads the site's reader made, their longest
 * gap. With `--profile`, Chromium's CPU profiler runs in the app page during each of those reads
 * and its self time is summed by source file and function (through the source maps); with
 * `--trace`, every thread's busy time in every Chromium process (`site-trace.ts`). Prints
 * medians with min–max and the machine's load; not a part of `npm run bench`.
 * @module
 */
import { readFile, readdir } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import { removeBuild } from '../test/e2e/support/app-build.ts'
import { startAppRelay } from '../test/e2e/support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from '../test/e2e/support/browser.ts'
import { chooseName, openApp, publish, visit } from '../test/e2e/ui-support/app-page.ts'
import { REPO_ROOT } from '../test/e2e/support/app-build.ts'
import { frameFetch, localRead, storedBlockBytes } from './site-page.ts'
import { startTrace, stopTrace } from './site-trace.ts'
import { FILES, SIZE, checked, siteFrame, writeFolder } from './site-support.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
    what: { type: 'string', default: 'repeat' },
    trace: { type: 'boolean', default: false },
  },
})
const runs = Number(values.runs)
const repeats = Number(values.repeats)
const KEPT_MS = 120_000

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** The app, unminified with source maps, in a temp folder (the project's own config otherwise). */
async function buildReadable(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const outDir = await mkdtemp(join(tmpdir(), 'an-site-profile-'))
  const { build } = await import('vite')
  await build({
    root: REPO_ROOT,
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, sourcemap: true },
  })
  return outDir
}

async function sourceMaps(dir: string): Promise<Map<string, SourceMapConsumer>> {
  const maps = new Map<string, SourceMapConsumer>()
  for (const sub of ['assets', '.', '__an']) {
    const names = await readdir(join(dir, sub)).catch(() => [] as string[])
    for (const name of names) {
      if (!name.endsWith('.js.map')) continue
      const raw = JSON.parse(await readFile(join(dir, sub, name), 'utf8')) as RawSourceMap
      maps.set(name.slice(0, -'.map'.length), new SourceMapConsumer(raw))
    }
  }
  return maps
}

function shortFile(source: string): string {
  const nm = source.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = source.slice(nm + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const src = source.search(/(src|sw)\//)
  return src >= 0 ? source.slice(src) : source
}

/** Self ms by file and by function, and the busy total (everything but idle and program). */
function summarise(profile: Profile, maps: Map<string, SourceMapConsumer>) {
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  const byFile = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let busy = 0
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v)
  }
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    if (ms === 0) continue
    const { functionName, url, lineNumber, columnNumber } = node.callFrame
    if (functionName !== '(idle)') busy += ms
    let file = url === '' ? `(${functionName || 'native'})` : url.split('/').pop()!
    let fn = functionName || '(anonymous)'
    const map = maps.get(url.split('/').pop() ?? '')
    const pos = map?.originalPositionFor({ line: lineNumber + 1, column: columnNumber })
    if (pos?.source != null) {
      file = shortFile(pos.source)
      fn = `${fn} (${file}:${pos.line})`
    }
    add(byFile, file, ms)
    add(byFunction, fn, ms)
  }
  return { byFile, byFunction, busy, total: (profile.endTime - profile.startTime) / 1000 }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = (xs: number[]): string =>
  `${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`

function printTop(title: string, sums: Map<string, number[]>, count: number): void {
  console.log(`\n${title} (self ms per repeat, median over ${count})`)
  const rows = [...sums].map(([k, v]) => {
    const all = [...v, ...Array.from({ length: count - v.length }, () => 0)]
    return [k, median(all)] as const
  })
  rows.sort((a, b) => b[1] - a[1])
  for (const [k, ms] of rows.slice(0, Number(values.top)))
    console.log(`${ms.toFixed(0).padStart(7)}  ${k}`)
}

async function main(): Promise<void> {
  console.log(
    `load before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  const appDir = await buildReadable()
  const maps = await sourceMaps(appDir)
  const relay = await startAppRelay(appDir)
  const browser = await launchChromium()
  const folder = await writeFolder()
  const site = `prof${Math.random().toString(36).slice(2, 8)}:site`
  const modes = ['']
  const perMode = new Map(
    modes.map((m) => [
      m,
      {
        repeatFirstByte: [] as number[],
        repeat: [] as number[],
        reads: [] as number[],
        gap: [] as number[],
        busy: [] as number[],
        files: new Map<string, number[]>(),
        functions: new Map<string, number[]>(),
        threads: new Map<string, number[]>(),
      },
    ]),
  )
  const figures = { first: [] as number[], local: [] as number[] }
  const push = (m: Map<string, number[]>, k: string, v: number): void => {
    m.set(k, [...(m.get(k) ?? []), v])
  }
  try {
    const publisher = await newPerson(browser)
    await openApp(publisher.page, relay.appOrigin, '#/publish')
    await publisher.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
    const [name, topic] = site.split(':')
    await chooseName(publisher.page, name, topic, 'free')
    await publish(publisher.page)
    for (let run = 0; run < runs; run++) {
      const { context, page } = await newPerson(browser)
      try {
        await openApp(page, relay.appOrigin, '#/view')
        await visit(page, `an://${site}/`)
        const frame = await siteFrame(page, relay.siteOrigin(site)).catch(async (error) => {
          console.log(
            'frames:',
            page.frames().map((f) => f.url()),
          )
          console.log((await page.locator('body').innerText()).slice(0, 2000))
          await page.screenshot({ path: '/tmp/site-profile-fail.png' })
          throw error
        })
        const get = async (path: string) =>
          checked(await frame.evaluate(frameFetch, path), path, folder.sha256)
        figures.first.push((await get(FILES[0])).lastByteMs)
        const cdp = await context.newCDPSession(page)
        const later = values.what === 'later'
        if (!later)
          await waitUntil(
            'the visited blocks kept',
            async () => (await page.evaluate(storedBlockBytes)) >= SIZE,
            KEPT_MS,
            100,
          )
        for (let r = 0; r < (later ? 1 : repeats * modes.length); r++) {
          const mode = modes[r % modes.length]
          const f = perMode.get(mode)!
          if (values.profile) {
            await cdp.send('Profiler.enable')
            await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
            await cdp.send('Profiler.start')
          }
          if (values.trace) await startTrace(browser)
          const read = await get(later ? FILES[1] : FILES[0])
          if (values.trace) for (const [k, t] of await stopTrace(browser)) push(f.threads, k, t)
          f.repeat.push(read.lastByteMs)
          f.repeatFirstByte.push(read.firstByteMs)
          f.reads.push(read.reads ?? 0)
          f.gap.push(read.longestGapMs ?? 0)
          if (values.profile) {
            const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
            const s = summarise(profile, maps)
            f.busy.push(s.busy)
            for (const [k, t] of s.byFile) push(f.files, k, t)
            for (const [k, t] of s.byFunction) push(f.functions, k, t)
          }
        }
        if (later)
          await waitUntil(
            'the visited blocks kept',
            async () => (await page.evaluate(storedBlockBytes)) >= SIZE,
            KEPT_MS,
            100,
          )
        figures.local.push((await page.evaluate(localRead, folder.firstCids)).ms)
        console.log(
          `visitor ${run + 1}: first ${figures.first.at(-1)!.toFixed(0)} ms, local ${figures.local.at(-1)!.toFixed(0)} ms, ${[
            ...perMode,
          ]
            .map(([m, f]) => `${m || 'read'} ${f.repeat.map((x) => x.toFixed(0)).join(', ')} ms`)
            .join('; ')}`,
        )
      } finally {
        await context.close()
      }
    }
    await publisher.context.close()
  } finally {
    await browser.close().catch(() => undefined)
    await relay.stop()
    await removeBuild(appDir)
    await folder.remove()
  }
  console.log(
    `\nload after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  console.log(`first transfer, last byte      ${spread(figures.first)} ms`)
  const w = values.what === 'later' ? 'later ' : 'repeat'
  console.log(`app's own read (ceiling)       ${spread(figures.local)} ms`)
  for (const [mode, f] of perMode) {
    console.log(`\n== ${mode || 'as built'}`)
    console.log(`${w}, first byte             ${spread(f.repeatFirstByte)} ms`)
    console.log(`${w}, last byte              ${spread(f.repeat)} ms`)
    console.log(`${w}, reads by the site      ${spread(f.reads)}`)
    console.log(`${w}, longest gap            ${spread(f.gap)} ms`)
    if (values.profile) {
      console.log(`app main thread busy / read   ${spread(f.busy)} ms`)
      printTop('By file', f.files, f.repeat.length)
      printTop('By function', f.functions, f.repeat.length)
    }
    if (values.trace) printTop('Busy by process/thread', f.threads, f.repeat.length)
  }
}

await main()
