/**
 * A site worker whose only bridge page is loaded but not yet connected to its app (the app tab
 * still starting) does not fail with "no app tab": the bridge holds the request until the
 * app's port arrives, and answers it then; without an app, the request ends in words after
 * `BRIDGE_CONNECT_WAIT`. A real relay serves the built app; the harness page runs the real
 * peer, bridge host, bridge page and site worker, and holds the bridge pages' "ready" from
 * the bridge host as a starting app tab would not have answered it yet.
 * @module
 */
import type { Browser, Frame, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, harnessReady, siteFrame } from './support/site-frame.ts'
import { BRIDGE_PATH, ERROR_HEADER } from '../../src/origins/shared/constants.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'

const SITE = 'wait:bridge'

interface Fetched {
  status: number
  error: string | null
  text: string
}

/** Fetches `path` from the site frame's own script (through its site worker). */
function fetchInFrame(frame: Frame, path: string): Promise<Fetched> {
  return frame.evaluate(
    async ([path, header]) => {
      const response = await fetch(path, { cache: 'no-store' })
      return {
        status: response.status,
        error: response.headers.get(header),
        text: await response.text(),
      }
    },
    [path, ERROR_HEADER] as const,
  )
}

/** The status line of the bridge page of `origin` in `page`. */
async function bridgeStatus(page: Page, origin: string): Promise<string> {
  const bridge = page.frames().find((f) => f.url() === `${origin}${BRIDGE_PATH}`)
  return (await bridge?.textContent('#status').catch(() => null)) ?? ''
}

/** Opens a new bridge for the site while its "ready" is held; resolves once it is held. */
async function reopenHeld(page: Page): Promise<void> {
  await page.evaluate((site) => {
    window.harness.holdBridges()
    window.harness.disconnect(site)
    window.harness.prepare(`an://${site}/`)
  }, SITE)
  await waitUntil('the new bridge page said ready', () =>
    page.evaluate(() => window.harness.heldBridges() === 1),
  )
}

describe('site origins: a bridge whose app is still starting', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let page: Page
  let site: string
  let frame: Frame

  before(
    bounded(120_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(dist)
      browser = await launchChromium()
      ;({ page } = await newPerson(browser))
      site = relay.siteOrigin(SITE)
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      const published = await page.evaluate((s) => window.harness.publishDemo(s, 1024), SITE)
      ok(published.accepted >= 1, 'the relay stored the record')
      await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
      frame = await siteFrame(page, site, 'h1')
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    'holds the site worker’s request until the app connects, then answers it',
    bounded(60_000, async () => {
      await reopenHeld(page)
      let settled: Fetched | undefined
      const answer = fetchInFrame(frame, '/sub/').then((fetched) => (settled = fetched))
      await waitUntil(
        'the request held by the bridge, or answered',
        async () =>
          settled !== undefined ||
          (await bridgeStatus(page, site)).startsWith('Waiting for the app'),
      )
      equal(settled, undefined, 'the request waits for the app instead of failing')
      await page.evaluate(() => window.harness.releaseBridges())
      const fetched = await answer
      equal(fetched.status, 200)
      equal(fetched.error, null)
      ok(fetched.text.includes('Sub-folder page'), 'the page the node answered')
      equal(await bridgeStatus(page, site), `Connected: ${SITE}`)
    }),
  )

  it(
    'answers in words when the app never connects',
    bounded(60_000, async () => {
      await reopenHeld(page)
      // Never fetched before: no offline copy stands in for the answer.
      const fetched = await fetchInFrame(frame, '/sub/?never-kept')
      equal(fetched.status, 503)
      equal(fetched.error, 'NoBridgeError')
      await page.evaluate(() => window.harness.releaseBridges())
    }),
  )
})
