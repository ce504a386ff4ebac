/**
 * The app paints its first screen before it runs its node, against a real relay serving the
 * built app, in Chromium: the libp2p node's chunk is downloaded (a prefetch) while the first
 * screen paints, and run only after the frame of the first contentful paint was rendered; the
 * header says "Connecting…" until the node runs; the relay's well-known document is asked for
 * once, before the node's code runs, and the node dials with that answer. Ordering only, no
 * timings.
 */
import { get } from 'node:http'
import type { BrowserContext } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { TIMING_MARKS } from '../../src/origins/shared/timing-marks.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import { START_MS, waitForPhase } from './ui-support/app-page.ts'

/** The node's chunk in the app's build (vite names it after `src/net/node/index.ts`). */
const NODE_CHUNK = /\/assets\/node-[^/]*\.js$/
/** A script the spec adds to the app's page that holds its first paint back (`blocking="render"`). */
const RENDER_HOLD = '/render-hold.js'
/**
 * How long the first paint is held when the app does not run the node's code meanwhile: shorter
 * than the app's own longest wait for a paint (`FIRST_PAINT_WAIT_MS`, 1 s, counted from later,
 * when its script runs), long enough for a node started at once to run its code.
 */
const HOLD_MS = 500
/** The relay's well-known document. */
const WELL_KNOWN = /\/\.well-known\/alternet\.json$/

/** The app's page and its headers from the relay (Node resolves no `*.localhost`: loopback, by Host). */
function fetchAppPage(
  appOrigin: string,
): Promise<{ headers: Record<string, string>; body: string }> {
  const url = new URL(appOrigin)
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: url.port, path: '/', headers: { host: url.host } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string' && name !== 'content-length') headers[name] = value
        resolve({ headers, body: Buffer.concat(chunks).toString('utf8') })
      })
    }).on('error', reject)
  })
}

describe('the first screen paints before the node loads (Chromium)', () => {
  let session: AppSession | undefined
  const contexts: BrowserContext[] = []

  before(async () => {
    session = await startAppSession()
  })

  after(async () => {
    for (const context of contexts) await context.close()
    await session?.close()
  })

  it(
    'downloads the node’s chunk during the first paint, runs it only after the first contentful frame is rendered, and asks for the relay’s document once before it, saying “Connecting…” until the node runs',
    bounded(120_000, async () => {
      // Service workers blocked: the page's own requests are then the ones routed here (the app
      // worker would otherwise fetch its precache, the node's chunk with it, beside the page).
      const context = await session!.browser.newContext({ serviceWorkers: 'block' })
      contexts.push(context)
      const page = await context.newPage()
      // The first paint is held back (a render-blocking script) until the app asks to run the
      // node's code (its `an:node-start` mark) or HOLD_MS pass: a node started at once runs
      // its code before anything paints.
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const appPage = await fetchAppPage(session!.relay.appOrigin)
      await page.route(`${session!.relay.appOrigin}/`, (route) =>
        route.fulfill({
          status: 200,
          headers: appPage.headers,
          body: appPage.body.replace(
            '</head>',
            `<script async blocking="render" src="${RENDER_HOLD}"></script></head>`,
          ),
        }),
      )
      await page.route(`**${RENDER_HOLD}`, async (route) => {
        const until = Date.now() + HOLD_MS
        const started = (): Promise<boolean> =>
          page
            .evaluate(
              (mark) => performance.getEntriesByName(mark).length > 0,
              TIMING_MARKS.nodeStart,
            )
            .catch(() => false)
        while (Date.now() < until && !(await started()))
          await new Promise((resolve) => setTimeout(resolve, 20))
        await route.fulfill({ contentType: 'text/javascript', body: '' })
      })
      // The node's chunk arrives only after the first paint: "Connecting…" shows meanwhile.
      await page.route(NODE_CHUNK, async (route) => {
        await held
        await route.continue()
      })
      await page.goto(`${session!.relay.appOrigin}/#/view`)
      // The first screen, with the status, while the node's chunk is held back.
      await page
        .getByRole('textbox', { name: 'Address', exact: true })
        .waitFor({ timeout: START_MS })
      await page.getByText('Connecting…').waitFor({ timeout: START_MS })
      ok(await page.locator('an-app[data-phase="starting"]').isVisible(), 'the node is starting')
      await page.waitForFunction(
        () => performance.getEntriesByName('first-contentful-paint').length > 0,
      )
      release()
      await waitForPhase(page, 'running')
      // The frame's rendering (`paintTime`), not its presentation: the compositor shows a frame
      // it was handed on its own thread, whatever the page's thread does next.
      const order = await page.evaluate(
        ({ chunk, wellKnown, mark }) => {
          const entry = performance.getEntriesByName('first-contentful-paint')[0] as
            (PerformanceEntry & { paintTime?: number }) | undefined
          const resources = (pattern: string): number[] =>
            performance
              .getEntriesByType('resource')
              .filter((e) => new RegExp(pattern).test(e.name))
              .map((e) => e.startTime)
          return {
            fcp: entry?.paintTime ?? entry?.startTime,
            nodeStart: performance.getEntriesByName(mark)[0]?.startTime,
            chunk: resources(chunk)[0],
            relayDocuments: resources(wellKnown),
          }
        },
        { chunk: NODE_CHUNK.source, wellKnown: WELL_KNOWN.source, mark: TIMING_MARKS.nodeStart },
      )
      const { fcp, nodeStart, chunk, relayDocuments } = order
      ok(fcp !== undefined && nodeStart !== undefined, 'the first paint and the node’s start')
      ok(
        nodeStart >= fcp,
        `the node's code was run at ${nodeStart} ms, the first contentful paint was rendered at ${fcp} ms`,
      )
      ok(
        chunk !== undefined && chunk < fcp,
        `the node's chunk was asked for at ${chunk} ms, before the first contentful paint (${fcp} ms)`,
      )
      equal(relayDocuments.length, 1, 'the relay’s document was asked for once')
      ok(
        relayDocuments[0] <= nodeStart,
        `the relay's document was asked for at ${relayDocuments[0]} ms, the node's code run at ${nodeStart} ms`,
      )
      ok(!(await page.getByText('Connecting…').isVisible()), 'no longer “Connecting…” once running')
    }),
  )
})
