/**
 * The path a person takes: a site's own `fetch` of 20 MiB through the site origin (site
 * service worker → bridge → the app's node → WebRTC to the host), in Chromium against a real
 * relay serving the built app. A publishes a folder with two 20 MiB files through the publish
 * screen and stays open as the host; each visitor, a fresh browser context, opens the app,
 * visits the site and, from the site frame's own script, fetches:
 *
 * - the first file: the first bulk transfer on the new connection to the host (what a first
 *   visit pays), beside a bare RTCDataChannel's first transfer between the same two app pages
 *   on a new connection, measured in the same run;
 * - the second file: a later transfer on the same connection, beside the bare channel's second;
 * - the first file again, once its blocks are kept: a repeat visit from the device, beside the
 *   app page's own read of the same blocks from its IndexedDB (one transaction, each hashed).
 * @module
 */
import type { Browser, Page } from 'playwright-core'
import { buildApp, removeBuild } from '../test/e2e/support/app-build.ts'
import { startAppRelay, type AppRelay } from '../test/e2e/support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from '../test/e2e/support/browser.ts'
import { chooseName, openApp, publish, visit } from '../test/e2e/ui-support/app-page.ts'
import {
  frameFetch,
  installRawChannel,
  localRead,
  storedBlockBytes,
  type BenchRaw,
  type TimedRead,
} from './site-page.ts'
import { FILES, SIZE, checked, siteFrame, writeFolder, type BenchFolder } from './site-support.ts'
import type { BenchPart, BenchRow } from './types.ts'

/** The whole part, bounded. */
const PART_TIMEOUT_MS = 10 * 60_000
/** Visitors (fresh contexts, so each first transfer is on a new connection). */
const RUNS = 5
/** The bare channel's messages: the largest that keeps Chromium's queue smooth. */
const RAW_MESSAGE_SIZE = 64 * 1024
/** Waiting for one transfer, and for the kept blocks to reach the store. */
const TRANSFER_MS = 120_000

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const mbPerS = (ms: number): number => SIZE / 1e6 / (ms / 1000)

/** One visitor's figures, ms. */
interface Visitor {
  first: TimedRead
  later: TimedRead
  repeat: TimedRead
  local: number
  rawFirst: number
  rawLater: number
}

/** A new bare data channel from `a` to `b` (a fresh RTCPeerConnection each time). */
async function connectRaw(a: Page, b: Page): Promise<void> {
  type Raw = Record<string, (...args: unknown[]) => Promise<unknown>>
  const call = (page: Page, what: string, ...args: unknown[]): Promise<unknown> =>
    page.evaluate(
      ([w, xs]) => (window as unknown as { benchRaw: Raw }).benchRaw[w as string](...(xs as [])),
      [what, args] as const,
    )
  for (const page of [a, b]) await page.evaluate(installRawChannel)
  const offer = await call(a, 'offer')
  await call(a, 'accept', await call(b, 'answer', offer))
  const deadline = Date.now() + 15_000
  for (;;) {
    await call(b, 'addCandidates', await call(a, 'candidates'))
    await call(a, 'addCandidates', await call(b, 'candidates'))
    const open = await Promise.all([call(a, 'isOpen', 200), call(b, 'isOpen', 200)])
    if (open.every(Boolean)) return
    if (Date.now() > deadline) throw new Error('the bare data channel did not open')
  }
}

/** One bare transfer of SIZE bytes from `a` to `b`, ms from the first send to the last byte. */
async function rawTransfer(a: Page, b: Page): Promise<number> {
  await b.evaluate(
    (size) => (window as unknown as { benchRaw: BenchRaw }).benchRaw.expect(size),
    SIZE,
  )
  const startAt = await a.evaluate(
    ([size, message]) => (window as unknown as { benchRaw: BenchRaw }).benchRaw.send(size, message),
    [SIZE, RAW_MESSAGE_SIZE] as const,
  )
  const lastAt = await b.evaluate(() =>
    (window as unknown as { benchRaw: BenchRaw }).benchRaw.received(),
  )
  return (lastAt as number) - (startAt as number)
}

async function visitor(
  browser: Browser,
  relay: AppRelay,
  host: Page,
  site: string,
  folder: BenchFolder,
): Promise<Visitor> {
  const { context, page } = await newPerson(browser)
  try {
    await openApp(page, relay.appOrigin, '#/view')
    await visit(page, `an://${site}/`)
    const frame = await siteFrame(page, relay.siteOrigin(site))
    const get = async (path: string): Promise<TimedRead> =>
      checked(await frame.evaluate(frameFetch, path), path, folder.sha256)
    const first = await get(FILES[0])
    const later = await get(FILES[1])
    // The repeat: once the keeper has written both files' blocks.
    await waitUntil(
      'the visited blocks kept',
      async () => (await page.evaluate(storedBlockBytes)) >= 2 * SIZE,
      TRANSFER_MS,
      100,
    )
    const repeat = await get(FILES[0])
    const local = await page.evaluate(localRead, folder.firstCids)
    if (local.bytes !== SIZE) throw new Error(`local read: ${local.bytes} bytes`)
    // The ceiling, between the same two app pages: a new connection, its first and a later transfer.
    await connectRaw(host, page)
    const rawFirst = await rawTransfer(host, page)
    const rawLater = await rawTransfer(host, page)
    await host.evaluate(() => (window as unknown as { benchRaw: BenchRaw }).benchRaw.close())
    return { first, later, repeat, local: local.ms, rawFirst, rawLater }
  } finally {
    await context.close()
  }
}

async function measure(report: (row: BenchRow) => void, browser: Browser, relay: AppRelay) {
  const row = (metric: string, value: number, unit: string, extra: Partial<BenchRow> = {}): void =>
    report({ part: 'site', runtime: 'chromium', metric, value, unit, ...extra })
  const site = `bench${Math.random().toString(36).slice(2, 8)}:site`
  const folder = await writeFolder()
  const publisher = await newPerson(browser)
  try {
    await openApp(publisher.page, relay.appOrigin, '#/publish')
    await publisher.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
    const [name, topic] = site.split(':')
    await chooseName(publisher.page, name, topic, 'free')
    await publish(publisher.page)

    const runs: Visitor[] = []
    for (let i = 0; i < RUNS; i++)
      runs.push(await visitor(browser, relay, publisher.page, site, folder))
    const m = (pick: (v: Visitor) => number): number => median(runs.map(pick))
    const how = `median of ${RUNS} visitors (fresh contexts); the site frame's own fetch, read to the end`
    row(
      '20 MiB through the site origin, first transfer on a new connection',
      m((v) => v.first.lastByteMs),
      'ms',
      {
        note: `${how}; the first bulk transfer after the visit opened the connection to the host`,
        baseline: { label: 'bare RTCDataChannel, first transfer', value: m((v) => v.rawFirst) },
      },
    )
    row(
      '20 MiB through the site origin, first transfer, throughput',
      mbPerS(m((v) => v.first.lastByteMs)),
      'MB/s',
      {
        baseline: {
          label: 'bare RTCDataChannel, first transfer',
          value: mbPerS(m((v) => v.rawFirst)),
        },
      },
    )
    row(
      '20 MiB through the site origin, first transfer, time to first byte',
      m((v) => v.first.firstByteMs),
      'ms',
    )
    row(
      '20 MiB through the site origin, later transfer',
      m((v) => v.later.lastByteMs),
      'ms',
      {
        note: `${how}; a second file on the same connection`,
        baseline: { label: 'bare RTCDataChannel, later transfer', value: m((v) => v.rawLater) },
      },
    )
    row(
      '20 MiB through the site origin, later transfer, throughput',
      mbPerS(m((v) => v.later.lastByteMs)),
      'MB/s',
      {
        baseline: {
          label: 'bare RTCDataChannel, later transfer',
          value: mbPerS(m((v) => v.rawLater)),
        },
      },
    )
    row(
      '20 MiB through the site origin, repeat from kept blocks',
      m((v) => v.repeat.lastByteMs),
      'ms',
      {
        note: `${how}; the first file again once its blocks were kept; ${runs.filter((v) => v.repeat.kept === true).length} of ${RUNS} answered from the site origin's kept copy`,
        baseline: {
          label: 'app page reads the same blocks from IndexedDB',
          value: m((v) => v.local),
        },
      },
    )
  } finally {
    await publisher.context.close()
    await folder.remove()
  }
}

/** Runs the site-origin figures in Chromium, driven from Node. */
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
        await measure(report, browser, relay)
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`site bench: no result within ${PART_TIMEOUT_MS} ms`)),
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
