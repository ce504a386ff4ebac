/**
 * The app's figures, in Chromium against a real relay serving the built app: A publishes a
 * folder site through the publish screen; a visitor, in a fresh browser context each run,
 * opens the app, types the address and presses Go. Timed from that press to the site
 * document's first byte and to its `load` event, for a first visit (no site worker yet, the
 * node just started), a repeat visit (same tab: worker installed, node warm) and an offline
 * visit (context offline, the app reopened from its precache). Also the gzip size (level 9) of
 * the JavaScript the app loads before its first screen, of all it loads, and of the two service
 * workers, from the build.
 * @module
 */
import { createReadStream } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core'
import { buildApp, removeBuild } from '../test/e2e/support/app-build.ts'
import { firstScreenScripts, scriptSizes } from '../test/e2e/support/app-scripts.ts'
import { startAppRelay, type AppRelay } from '../test/e2e/support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from '../test/e2e/support/browser.ts'
import { chooseName, openApp, publish, START_MS, VIEW_MS } from '../test/e2e/ui-support/app-page.ts'
import { writeSiteFolder } from '../test/e2e/ui-support/site-folder.ts'
import {
  appStart,
  visitStages,
  watchAppStart,
  type AppStart,
  type VisitStages,
} from './app-timeline.ts'
import type { BenchPart, BenchRow } from './types.ts'

/** The whole part, bounded. */
const PART_TIMEOUT_MS = 12 * 60_000
/** Visitors (fresh contexts); each makes a first, a repeat and an offline visit. */
const RUNS = 5
/** Fresh visitors arriving by a shared link. */
const LINK_RUNS = 3
/** Fresh visitors who type the address and read the look-ahead before Go. */
const TYPED_RUNS = 3
/** Time between two keys of a typed address, in ms (a quick typist). */
const KEY_DELAY_MS = 60
const TITLE = 'A site for the app bench'
/** Longest wait for a loaded site document's first contentful paint, in ms. */
const PAINT_WAIT_MS = 3_000

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

/** The median of the paints that came (NaN when none did, which `row` leaves out). */
const paintMedian = (xs: number[]): number => {
  const known = xs.filter((x) => Number.isFinite(x))
  return known.length === 0 ? Number.NaN : median(known)
}

/** One visit's times, ms from pressing Go (from the page's start for a shared link). */
interface Visit {
  firstByte: number
  load: number
  /** The site document's first contentful paint (content visible), NaN when it reported none. */
  visible: number
  /** When the document first asked for one of its files, and when the last was answered (NaN: none, or not taken). */
  filesAsked?: number
  filesAnswered?: number
  /** The press (or the page's start), absolute ms. */
  at: number
}

/** The site frame (not its bridge) once its document has loaded, with a new document if `after` is given. */
async function loadedFrame(
  page: Page,
  origin: string,
  after: number,
): Promise<{ frame: Frame; timeOrigin: number }> {
  return waitUntil(
    'the site document loaded',
    async () => {
      for (const frame of page.frames()) {
        if (!frame.url().startsWith(`${origin}/`) || frame.url().includes('/__an/')) continue
        const state = await frame
          .evaluate((title) => {
            const nav = performance.getEntriesByType('navigation')[0] as
              PerformanceNavigationTiming | undefined
            return {
              timeOrigin: performance.timeOrigin,
              loaded: nav !== undefined && nav.loadEventEnd > 0 && document.title === title,
            }
          }, TITLE)
          .catch(() => undefined)
        if (state?.loaded === true && state.timeOrigin > after)
          return { frame, timeOrigin: state.timeOrigin }
      }
      return undefined
    },
    VIEW_MS,
    20,
  )
}

/**
 * When `frame`'s document first painted content (its `first-contentful-paint` entry), in ms of
 * its own clock; waits a little, since the paint may follow the `load` event. NaN if none came.
 */
async function contentPaint(frame: Frame): Promise<number> {
  const deadline = Date.now() + PAINT_WAIT_MS
  for (;;) {
    const at = await frame
      .evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime)
      .catch(() => undefined)
    if (at !== undefined) return at
    if (Date.now() > deadline) return Number.NaN
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Presses Go for `address` (already typed) and times the site document. */
async function timedVisit(page: Page, origin: string, address: string): Promise<Visit> {
  const bar = page.getByRole('textbox', { name: 'Address', exact: true })
  await bar.fill(address)
  // The press, on the page's clock: a capturing listener stamps the click as it happens.
  await page.evaluate(() => {
    const w = window as unknown as { pressedAt?: number }
    delete w.pressedAt
    document.addEventListener(
      'click',
      () => (w.pressedAt ??= performance.timeOrigin + performance.now()),
      { capture: true, once: true },
    )
  })
  await page.getByRole('button', { name: 'Go', exact: true }).click()
  const pressedAt = await page.evaluate(
    () => (window as unknown as { pressedAt: number }).pressedAt,
  )
  const { frame } = await loadedFrame(page, origin, pressedAt)
  const nav = await frame.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    return {
      at: performance.timeOrigin,
      responseStart: entry.responseStart,
      loadEventEnd: entry.loadEventEnd,
    }
  })
  // The page's own files (style sheet, script, image): when the frame first asked for one and
  // when the last one was answered, on the frame's clock.
  const files = await frame.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    return entries.length === 0
      ? undefined
      : {
          asked: Math.min(...entries.map((e) => e.startTime)),
          answered: Math.max(...entries.map((e) => e.responseEnd)),
        }
  })
  return {
    firstByte: nav.at + nav.responseStart - pressedAt,
    load: nav.at + nav.loadEventEnd - pressedAt,
    visible: nav.at + (await contentPaint(frame)) - pressedAt,
    filesAsked: files === undefined ? Number.NaN : nav.at + files.asked - pressedAt,
    filesAnswered: files === undefined ? Number.NaN : nav.at + files.answered - pressedAt,
    at: pressedAt,
  }
}

/**
 * A fresh visitor arriving by a shared link: a new context (cold cache, no worker) opens the
 * viewer's URL for the address; timed from the app page's start to the site document.
 */
async function linkVisit(
  browser: Browser,
  relay: AppRelay,
  site: string,
): Promise<{ visit: Visit; start: AppStart; stages: VisitStages }> {
  const { context, page } = await newPerson(browser)
  try {
    await watchAppStart(context)
    await page.goto(`${relay.appOrigin}/#/view/an://${site}/`)
    const origin = relay.siteOrigin(site)
    const { frame } = await loadedFrame(page, origin, 0)
    const nav = await frame.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      return {
        at: performance.timeOrigin,
        responseStart: entry.responseStart,
        loadEventEnd: entry.loadEventEnd,
      }
    })
    const start = await appStart(page)
    const visit = {
      firstByte: nav.at + nav.responseStart - start.navigationStart,
      load: nav.at + nav.loadEventEnd - start.navigationStart,
      visible: nav.at + (await contentPaint(frame)) - start.navigationStart,
      at: start.navigationStart,
    }
    return { visit, start, stages: await visitStages(page, origin) }
  } finally {
    await context.close()
  }
}

/** Content types of the site folder's files, for the static server. */
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
}

/** A plain static HTTP server (Node's own) over `dir`: the baseline for the same page. */
async function staticServer(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '')
    const name = path === '' ? 'index.html' : path
    const stream = createReadStream(join(dir, name))
    stream.once('open', () =>
      res.writeHead(200, {
        'content-type': STATIC_TYPES[extname(name)] ?? 'application/octet-stream',
      }),
    )
    stream.once('error', () => res.writeHead(404).end())
    stream.pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

/**
 * The same page from the static server, in a fresh context: from the navigation's start to its
 * first byte and to its `load`.
 */
async function staticVisit(browser: Browser, url: string): Promise<Visit> {
  const { context, page } = await newPerson(browser)
  try {
    await page.goto(url, { waitUntil: 'load' })
    const nav = await page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      return {
        at: performance.timeOrigin,
        firstByte: entry.responseStart,
        load: entry.loadEventEnd,
      }
    })
    const paint = await contentPaint(page.mainFrame())
    return { firstByte: nav.firstByte, load: nav.load, visible: paint, at: nav.at }
  } finally {
    await context.close()
  }
}

/**
 * A visitor who types the address as a person does (a key every {@link KEY_DELAY_MS}), reads
 * the address bar's look-ahead ("… can serve it now"), then presses Go: a fresh context, the
 * node just started, the site never opened. Timed from the press.
 */
async function typedVisit(browser: Browser, relay: AppRelay, site: string): Promise<Visit> {
  const { context, page } = await newPerson(browser)
  try {
    await openApp(page, relay.appOrigin, '#/view')
    const bar = page.getByRole('textbox', { name: 'Address', exact: true })
    await bar.pressSequentially(`an://${site}/`, { delay: KEY_DELAY_MS })
    // Go is pressed once the look-ahead has said anything: under load its look-up may give up
    // ("press Go to try it"), and the visit is timed all the same.
    await page.locator('an-address-lookahead [data-can-serve]').waitFor({ timeout: VIEW_MS })
    return await timedVisit(page, relay.siteOrigin(site), `an://${site}/`)
  } finally {
    await context.close()
  }
}

/** A visitor: a fresh context; the three visits. */
async function visitor(
  browser: Browser,
  relay: AppRelay,
  site: string,
): Promise<{
  first: Visit
  repeat: Visit
  offline: Visit
  scripts: string[]
  start: AppStart
  stages: VisitStages
}> {
  const { context, page } = await newPerson(browser)
  await watchAppStart(context)
  const scripts = new Set<string>()
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.origin === relay.appOrigin && url.pathname.endsWith('.js')) scripts.add(url.pathname)
  })
  const origin = relay.siteOrigin(site)
  const address = `an://${site}/`
  try {
    await openApp(page, relay.appOrigin, '#/view')
    const start = await appStart(page)
    const first = await timedVisit(page, origin, address)
    const stages = await visitStages(page, origin)
    const repeat = await timedVisit(page, origin, address)
    await offlineApp(context, page, relay)
    const offline = await timedVisit(page, origin, address)
    return { first, repeat, offline, scripts: [...scripts], start, stages }
  } finally {
    await context.close()
  }
}

/**
 * The app's start (cold cache) and the stages of a first visit, each the median over the
 * visitors of the time from the page's start (start) or the press on Go (stages).
 */
function reportTimeline(
  row: (
    runtime: 'chromium',
    metric: string,
    value: number,
    unit: string,
    extra?: Partial<BenchRow>,
  ) => void,
  visits: { first: Visit; start: AppStart; stages: VisitStages }[],
  links: { visit: Visit; start: AppStart; stages: VisitStages }[],
): void {
  const since = (zero: number, t: number | undefined): number | undefined =>
    t === undefined ? undefined : t - zero
  const med = (xs: (number | undefined)[]): number | undefined => {
    const known = xs.filter((x): x is number => x !== undefined)
    return known.length === 0 ? undefined : median(known)
  }
  const startNote = `median of ${visits.length} fresh contexts (cold cache, no worker), from the app page's navigation start`
  const starts = visits.map((v) => v.start)
  const startRows: [string, keyof AppStart][] = [
    ['app start, first paint', 'firstPaint'],
    ['app start, first contentful paint', 'firstContentfulPaint'],
    ['app start, node start begins (chunk asked)', 'nodeStart'],
    ['app start, node running', 'nodeRunning'],
  ]
  for (const [metric, key] of startRows) {
    const value = med(starts.map((s) => since(s.navigationStart, s[key])))
    if (value !== undefined)
      row('chromium', metric, value, 'ms', {
        note: key === 'nodeRunning' ? `${startNote}; goal ≤ 800 ms` : startNote,
      })
  }
  const stageRows: [string, keyof VisitStages][] = [
    ['bridge frame created, early document asked', 'bridgeOpen'],
    ['node: name resolved', 'nameResolved'],
    ['node: first sources found', 'firstSources'],
    ['node: manifest verified', 'manifestVerified'],
    ['node: first verified bytes of the document', 'firstBytes'],
    ['lookup, manifest, host dial and first bytes answered (early document GET)', 'warmUp'],
    ['bridge page first byte', 'bridgeFirstByte'],
    ['bridge page script runs', 'bridgeStart'],
    ['site worker script runs', 'swScript'],
    ['site worker registered (bridge page)', 'swRegistered'],
    ['site worker install event', 'swInstall'],
    ['site worker activate event', 'swActivate'],
    ['site worker active (bridge page)', 'swReady'],
    ['bridge ready', 'bridgeReady'],
    ['site worker asked for the document', 'swNavigate'],
    ['document asked of the node', 'siteRequest'],
    ['node answered the document', 'siteAnswer'],
  ]
  const stages = (
    kind: string,
    list: { visit: Visit; stages: VisitStages }[],
    zero: string,
  ): void => {
    for (const [what, key] of stageRows) {
      const value = med(list.map((v) => since(v.visit.at, v.stages[key])))
      if (value !== undefined)
        row('chromium', `${kind}, ${what}`, value, 'ms', {
          note: `median of ${list.length}; from ${zero}; User Timing marks of src/origins/shared/timing-marks.ts`,
        })
    }
  }
  stages(
    'first visit stage',
    visits.map((v) => ({ visit: v.first, stages: v.stages })),
    'the press on Go',
  )
  const linkNote = `median of ${links.length} fresh contexts opening the viewer's URL for the address (cold cache, no worker), from the app page's navigation start`
  row(
    'chromium',
    'shared link, time to first byte',
    median(links.map((l) => l.visit.firstByte)),
    'ms',
    {
      note: `${linkNote}; goal ≤ 1500 ms to content`,
    },
  )
  row('chromium', 'shared link, time to load', median(links.map((l) => l.visit.load)), 'ms', {
    note: linkNote,
  })
  row(
    'chromium',
    'shared link, content visible',
    paintMedian(links.map((l) => l.visit.visible)),
    'ms',
    { note: `${linkNote}; the site document's first-contentful-paint entry; goal ≤ 1500 ms` },
  )
  for (const [metric, key] of startRows) {
    const value = med(links.map((l) => since(l.start.navigationStart, l.start[key])))
    if (value !== undefined)
      row('chromium', `shared link, ${metric.replace('app start, ', '')}`, value, 'ms', {
        note: linkNote,
      })
  }
  stages('shared link stage', links, "the app page's navigation start")
}

/**
 * Once the app's worker is active, takes the context offline and loads the app again (from its
 * precache); its node starts offline.
 */
async function offlineApp(context: BrowserContext, page: Page, relay: AppRelay): Promise<void> {
  // The app's worker registers once no site is being opened, and is active once it has cached
  // the app (Settings then says "Ready to start offline"): before that there is no app offline.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await context.setOffline(true)
  await page.goto('about:blank')
  await page.goto(`${relay.appOrigin}/#/view`)
  await page.locator('an-app[data-phase="running"]').waitFor({ timeout: START_MS })
}

async function measure(
  report: (row: BenchRow) => void,
  browser: Browser,
  relay: AppRelay,
  appDir: string,
): Promise<void> {
  const row = (
    runtime: 'chromium' | 'build',
    metric: string,
    value: number,
    unit: string,
    extra: Partial<BenchRow> = {},
  ): void => {
    // A figure that could not be taken (no paint reported) is left out, not printed as NaN.
    if (Number.isFinite(value)) report({ part: 'app', runtime, metric, value, unit, ...extra })
  }
  const site = `bench${Math.random().toString(36).slice(2, 8)}:app`

  const folder = await writeSiteFolder(TITLE)
  const publisher = await newPerson(browser)
  try {
    await openApp(publisher.page, relay.appOrigin, '#/publish')
    await publisher.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
    const [name, topic] = site.split(':')
    await chooseName(publisher.page, name, topic, 'free')
    await publish(publisher.page)

    const visits: Awaited<ReturnType<typeof visitor>>[] = []
    for (let i = 0; i < RUNS; i++) visits.push(await visitor(browser, relay, site))
    const links: Awaited<ReturnType<typeof linkVisit>>[] = []
    for (let i = 0; i < LINK_RUNS; i++) links.push(await linkVisit(browser, relay, site))
    const typed: Visit[] = []
    for (let i = 0; i < TYPED_RUNS; i++) typed.push(await typedVisit(browser, relay, site))
    const server = await staticServer(folder.dir)
    const statics: Visit[] = []
    try {
      const { port } = server.address() as AddressInfo
      for (let i = 0; i < RUNS; i++)
        statics.push(await staticVisit(browser, `http://127.0.0.1:${port}/index.html`))
    } finally {
      server.close()
    }
    const staticNote = `median of ${RUNS} fresh contexts loading the same site folder from a plain static HTTP server (Node's http, loopback), from navigation start`
    row(
      'chromium',
      'static HTTP server, same page, time to first byte',
      median(statics.map((v) => v.firstByte)),
      'ms',
      { note: staticNote },
    )
    row(
      'chromium',
      'static HTTP server, same page, time to load',
      median(statics.map((v) => v.load)),
      'ms',
      { note: staticNote },
    )
    row(
      'chromium',
      'static HTTP server, same page, content visible',
      paintMedian(statics.map((v) => v.visible)),
      'ms',
      { note: `${staticNote}; the document's first-contentful-paint entry` },
    )

    const of = (
      kind: 'first' | 'repeat' | 'offline',
      what: 'firstByte' | 'load' | 'visible',
    ): number => median(visits.map((v) => v[kind][what]))
    const how =
      `median of ${RUNS} visitors; from the click on Go (capturing listener, page clock) to the site frame's ` +
      `performance.timeOrigin + navigation entry's`
    const fb = `${how} responseStart (the site worker's answer starts)`
    const ld = `${how} loadEventEnd`
    row('chromium', 'first visit, time to first byte', of('first', 'firstByte'), 'ms', {
      note: `${fb}; fresh context: no site worker yet, node just started, name not cached`,
    })
    row('chromium', 'first visit, time to load', of('first', 'load'), 'ms', { note: ld })
    for (const [what, key] of [
      ['first of its files asked', 'filesAsked'],
      ['last of its files answered', 'filesAnswered'],
    ] as const)
      row(
        'chromium',
        `first visit, the page's ${what}`,
        paintMedian(visits.map((v) => v.first[key] ?? Number.NaN)),
        'ms',
        {
          note: `${how.replace("navigation entry's", 'resource entries (its style sheet, script and image):')} ${key === 'filesAsked' ? 'earliest startTime' : 'latest responseEnd'}`,
        },
      )
    // Per visit, from the page's first file asked to its last answered: what the files cost
    // apart from when the document came.
    const span = (v: Visit): number =>
      (v.filesAnswered ?? Number.NaN) - (v.filesAsked ?? Number.NaN)
    for (const kind of ['first', 'repeat'] as const)
      row(
        'chromium',
        `${kind} visit, the page's files, first asked to last answered`,
        paintMedian(visits.map((v) => span(v[kind]))),
        'ms',
        {
          note: `median over ${RUNS} visitors of each visit's own span (resource entries: latest responseEnd − earliest startTime)`,
        },
      )
    row(
      'chromium',
      'first visit, content visible',
      paintMedian(visits.map((v) => v.first.visible)),
      'ms',
      {
        note: `${how} first-contentful-paint entry (the site's own content painted); goal ≤ 300 ms`,
      },
    )
    const typedNote = `median of ${TYPED_RUNS} fresh contexts: the address typed a key every ${KEY_DELAY_MS} ms, Go pressed once the look-ahead answered (who can serve it, or that it could not tell) (site never opened, node started when the app opened); from the click on Go; goal ≤ 300 ms to content`
    row(
      'chromium',
      'typed visit, time to first byte',
      median(typed.map((v) => v.firstByte)),
      'ms',
      {
        note: typedNote,
        baseline: { label: 'first visit', value: of('first', 'firstByte') },
      },
    )
    row(
      'chromium',
      'typed visit, content visible',
      paintMedian(typed.map((v) => v.visible)),
      'ms',
      { note: typedNote },
    )
    row('chromium', 'typed visit, time to load', median(typed.map((v) => v.load)), 'ms', {
      note: typedNote,
      baseline: { label: 'first visit', value: of('first', 'load') },
    })
    row('chromium', 'repeat visit, time to first byte', of('repeat', 'firstByte'), 'ms', {
      note: `${fb}; same tab: site worker installed, bridge up, node warm, record and blocks kept`,
      baseline: { label: 'first visit', value: of('first', 'firstByte') },
    })
    row('chromium', 'repeat visit, time to load', of('repeat', 'load'), 'ms', {
      baseline: { label: 'first visit', value: of('first', 'load') },
    })
    row('chromium', 'offline visit, time to first byte', of('offline', 'firstByte'), 'ms', {
      note: `${fb}; context offline, app reloaded from its precache, node started offline and answers from the record and blocks it kept`,
      baseline: { label: 'repeat visit', value: of('repeat', 'firstByte') },
    })
    row('chromium', 'offline visit, time to load', of('offline', 'load'), 'ms', {
      baseline: { label: 'repeat visit', value: of('repeat', 'load') },
    })

    reportTimeline(row, visits, links)

    // Sizes, from the build: the JS the app loads before its first screen (index.html's scripts
    // and what they import statically); the JS the app requested in all (shell, node, workers it
    // starts); the workers.
    const firstScreen = await firstScreenScripts(appDir)
    const firstJs = await scriptSizes(appDir, firstScreen)
    row('build', 'app JavaScript before the first screen, gzip -9', firstJs.gzip / 1024, 'KiB', {
      note: `goal ≤ 200 KiB; index.html's module script, its preloads and the chunks they import statically (${firstScreen.join(', ')}); ${(firstJs.raw / 1024).toFixed(0)} KiB uncompressed`,
    })
    const scripts = [...new Set(visits.flatMap((v) => v.scripts))]
      .filter((p) => p !== '/sw.js')
      .sort()
    const appJs = await scriptSizes(
      appDir,
      scripts.map((p) => p.slice(1)),
    )
    row('build', 'app JavaScript in all, gzip -9', appJs.gzip / 1024, 'KiB', {
      note: `${scripts.length} files the app page requested while starting and showing a site (${scripts.join(', ')}); ${(appJs.raw / 1024).toFixed(0)} KiB uncompressed`,
    })
    for (const worker of ['sw.js', '__an/site-sw.js']) {
      const size = await scriptSizes(appDir, [worker])
      row('build', `${worker} (service worker), gzip -9`, size.gzip / 1024, 'KiB', {
        note: `${(size.raw / 1024).toFixed(1)} KiB uncompressed`,
      })
    }
  } finally {
    await publisher.context.close()
    await folder.remove()
  }
}

/** Runs the app figures in Chromium, driven from Node. */
export const run: BenchPart = async (report) => {
  let appDir: string | undefined
  let relay: AppRelay | undefined
  let browser: Browser | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      (async () => {
        appDir = await buildApp()
        relay = await startAppRelay(appDir)
        browser = await launchChromium()
        await measure(report, browser, relay, appDir)
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`app bench: no result within ${PART_TIMEOUT_MS} ms`)),
          PART_TIMEOUT_MS,
        )
      }),
    ])
  } finally {
    clearTimeout(timer)
    await browser?.close().catch(() => undefined)
    await relay?.stop()
    if (appDir !== undefined) await removeBuild(appDir)
  }
}
