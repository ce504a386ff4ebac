/**
 * The app paints its first screen before it loads its node, against a real relay serving the
 * built app, in Chromium: the libp2p node's chunk is asked for only after the first contentful
 * paint, and the header says "Connecting…" until the node runs; the relay's well-known document
 * is asked for once, before the node's chunk, and the node dials with that answer. Ordering
 * only, no timings.
 */
import { get } from 'node:http'
import type { BrowserContext } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, ok } from '../support/assert.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import { START_MS, waitForPhase } from './ui-support/app-page.ts'

/** The node's chunk in the app's build (vite names it after `src/net/node/index.ts`). */
const NODE_CHUNK = /\/assets\/node-[^/]*\.js$/
/** A script the spec adds to the app's page that holds its first paint back (`blocking="render"`). */
const RENDER_HOLD = '/render-hold.js'
/**
 * How long the first paint is held when nothing asks for the node's chunk meanwhile: shorter
 * than the app's own longest wait for a paint (`FIRST_PAINT_WAIT_MS`, 1 s, counted from later,
 * when its script runs), long enough for a node started at once to ask for its chunk.
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
    'asks for the node’s chunk only after the first contentful paint and the relay’s document before it, saying “Connecting…” until the node runs',
    bounded(120_000, async () => {
      // Service workers blocked: the page's own requests are then the ones routed here (the app
      // worker would otherwise fetch its precache, the node's chunk with it, beside the page).
      const context = await session!.browser.newContext({ serviceWorkers: 'block' })
      contexts.push(context)
      const page = await context.newPage()
      // The first paint is held back (a render-blocking script) until the node's chunk is asked
      // for or HOLD_MS pass: a node started at once asks for its chunk before anything paints.
      let chunkAsked!: () => void
      const asked = new Promise<void>((resolve) => (chunkAsked = resolve))
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
        await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, HOLD_MS))])
        await route.fulfill({ contentType: 'text/javascript', body: '' })
      })
      let wasAsked = false
      // What the page asked for, in order: the node's chunk and the relay's document.
      const asks: string[] = []
      page.on('request', (request) => {
        if (NODE_CHUNK.test(request.url())) asks.push('chunk')
        if (WELL_KNOWN.test(request.url())) asks.push('relay document')
      })
      await page.route(NODE_CHUNK, async (route) => {
        wasAsked = true
        chunkAsked()
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
      ok(wasAsked, 'the node’s chunk was asked for')
      const order = await page.evaluate((pattern) => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime
        const chunk = performance
          .getEntriesByType('resource')
          .find((e) => new RegExp(pattern).test(e.name))?.startTime
        return { fcp, chunk }
      }, NODE_CHUNK.source)
      ok(
        order.fcp !== undefined && order.chunk !== undefined && order.chunk >= order.fcp,
        `the node's chunk was asked for at ${order.chunk} ms, the first contentful paint was at ${order.fcp} ms`,
      )
      deepEqual(
        asks,
        ['relay document', 'chunk'],
        'the relay’s document was asked for once, before the node’s chunk',
      )
      ok(!(await page.getByText('Connecting…').isVisible()), 'no longer “Connecting…” once running')
    }),
  )
})
