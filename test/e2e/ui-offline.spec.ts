/**
 * Offline is an honest state, against a real relay: the header says "You're offline" as soon as
 * the browser's network goes and never "reachable" meanwhile; a site never visited fails fast
 * with words and the previous site does not stay in the frame; "Retry now" dials at once; and
 * the relays are dialled again as soon as the network is back.
 */
import type { Browser, BrowserContext } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  noErrorClassNames,
  openApp,
  publishWrittenPage,
  screenshot,
  seriousViolations,
  siteFrame,
  START_MS,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'

/** The promise: the header says "You're offline" this soon after the network goes, in ms. */
const OFFLINE_SHOWN_MS = 2_000
/** A site with no copy opened offline says so this soon (the app's 4 s give-up, plus rendering), in ms. */
const OFFLINE_FAIL_MS = 8_000
/**
 * Time offline before the network comes back, in ms: the relay's redials back off 1, 2, 4, 8,
 * 16 s, so its next one is far off by then, and only a dial on the `online` event is quick.
 */
const OFFLINE_STAY_MS = 25_000
/** The relay is connected again this soon after the network is back (its back-off then is ≥ 16 s), in ms. */
const RECONNECT_BOUND_MS = 8_000
/** The page the person publishes and reads before the network goes. */
const WRITTEN = 'Read before the network went'

/** Whether the app's node has a relay connected (read in the page). */
function relayConnected(): boolean {
  const app = document.querySelector('an-app') as unknown as {
    session?: { status?: { relays: { connected: boolean }[] } }
  }
  return app.session?.status?.relays.some((relay) => relay.connected) ?? false
}

describe('offline is an honest state (Chromium)', () => {
  let appDir = ''
  let relay: AppRelay
  let browser: Browser
  let context: BrowserContext | undefined

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    browser = await launchChromium()
  })

  after(async () => {
    await context?.close()
    await browser?.close()
    await relay?.stop()
    await removeBuild(appDir)
  })

  it(
    'says "You\'re offline" at once, fails an unvisited site fast with words and an empty frame, and reconnects when the network is back',
    bounded(240_000, async () => {
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      await openApp(page, relay.appOrigin, '#/publish')
      await publishWrittenPage(
        page,
        'before',
        'offline',
        `<!doctype html><html lang="en"><title>Here</title><h1>${WRITTEN}</h1></html>`,
      )
      await visit(page, 'an://before:offline')
      await siteFrame(page).getByRole('heading', { name: WRITTEN }).waitFor({ timeout: VIEW_MS })
      const status = page.locator('an-network-status summary')
      await status.getByText('1/1 relay').waitFor({ timeout: START_MS })

      await context.setOffline(true)
      const wentAt = Date.now()
      await status.getByText('You’re offline').waitFor({ timeout: OFFLINE_SHOWN_MS })
      const shownMs = Date.now() - wentAt
      ok(!/reachable/.test((await status.textContent()) ?? ''), 'never "reachable" while offline')
      console.log(`# "You're offline" shown ${shownMs} ms after the network went`)
      const retry = page.getByRole('button', { name: 'Retry now' })
      await retry.waitFor()
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding (offline header)')

      const address = page.getByRole('textbox', { name: 'Address', exact: true })
      await address.fill('an://never-seen:offline')
      const askedAt = Date.now()
      await page.getByRole('button', { name: 'Go', exact: true }).click()
      const alert = page
        .getByRole('alert')
        .filter({ hasText: 'this site has no copy on this device' })
      await alert.waitFor({ timeout: OFFLINE_FAIL_MS })
      console.log(`# an unvisited site offline failed after ${Date.now() - askedAt} ms`)
      ok(!(await page.locator('iframe.frame').isVisible()), 'the previous site is not left shown')
      equal(
        await page.locator('iframe.frame').getAttribute('src'),
        null, // a new, empty frame in place of the site's
        'the frame no longer holds the previous site',
      )
      await noErrorClassNames(page, 'unvisited site offline')
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding (offline failure)')
      await screenshot(page, 'offline-unvisited-light-desktop', false)

      // Retry now dials at once (and, offline, fails again: the button comes back).
      await retry.click()
      await retry.waitFor({ timeout: START_MS })
      await status.getByText('You’re offline').waitFor()

      // Long enough offline that the relay's back-off has grown past RECONNECT_BOUND_MS.
      await waitUntil(
        'the relay connection dropped',
        () => page.evaluate(relayConnected).then((up) => !up),
        START_MS,
      )
      await page.waitForTimeout(OFFLINE_STAY_MS)
      await context.setOffline(false)
      const backAt = Date.now()
      await status.getByText('1/1 relay').waitFor({ timeout: RECONNECT_BOUND_MS })
      console.log(`# relay connected again ${Date.now() - backAt} ms after the network came back`)
      await page.getByRole('button', { name: 'Retry now' }).waitFor({ state: 'detached' })
      await visit(page, 'an://before:offline')
      await siteFrame(page).getByRole('heading', { name: WRITTEN }).waitFor({ timeout: VIEW_MS })
      ok(await page.locator('iframe.frame').isVisible(), 'the site shows again once online')
    }),
  )
})
