/**
 * The app shell's service worker, end to end: a real relay serves the built app from a folder
 * the spec rebuilds in place. The shell starts offline from the precache; a new build is
 * announced and applied on consent, and the old version's cache goes; the escape hatch
 * removes every worker and cache.
 * @module
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, controlled, harnessReady } from './support/site-frame.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'

const FIRST = 'e2e-shell-1'
const SECOND = 'e2e-shell-2'

describe('app shell service worker', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let context: BrowserContext
  let page: Page

  const shellCaches = (): Promise<string[]> =>
    page.evaluate(async () =>
      (await caches.keys()).filter((name) => name.startsWith('alternet-shell-')),
    )

  before(
    bounded(90_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY], version: FIRST })
      relay = await startAppRelay(dist)
      browser = await launchChromium()
      ;({ context, page } = await newPerson(browser))
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    'precaches the shell so the app starts with no network',
    bounded(60_000, async () => {
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await controlled(page)
      equal(
        await page.evaluate(() => window.harness.events.includes('offline-ready')),
        true,
        'the page is told the app works offline',
      )
      deepEqual(
        await page.evaluate(() => window.harness.sw.controllerInfo().then((i) => i?.version)),
        FIRST,
      )
      await context.setOffline(true)
      try {
        const response = await page.goto(relay.url('/'))
        equal(response?.fromServiceWorker(), true)
        // The real shell page, its script and styles, from the precache: the app renders its address bar.
        await page
          .getByRole('textbox', { name: 'Address' })
          .waitFor({ state: 'visible', timeout: 15_000 })
        ok((await page.title()).endsWith('Alternet'))
        await page.goto(relay.url(HARNESS_PATH))
        await harnessReady(page)
        equal(await page.textContent('#version'), FIRST)
      } finally {
        await context.setOffline(false)
      }
    }),
  )

  it(
    'announces a new version, applies it on consent and drops the old version’s cache',
    bounded(120_000, async () => {
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await controlled(page)
      const before = await shellCaches()
      equal(before.length, 1)
      await buildApp({ outDir: dist, extraEntries: [HARNESS_ENTRY], version: SECOND })
      await page.evaluate(() => window.harness.sw.checkForUpdate())
      await waitUntil(
        '"update-available"',
        () => page.evaluate(() => window.harness.sw.updateAvailable),
        30_000,
      )
      equal(await page.textContent('#version'), FIRST, 'nothing changes before the person agrees')
      equal(
        await page.evaluate(() => window.harness.sw.controllerInfo().then((i) => i?.version)),
        FIRST,
      )
      await Promise.all([
        page.waitForEvent('load', { timeout: 30_000 }),
        page.evaluate(() => window.harness.sw.applyUpdate()),
      ])
      await harnessReady(page)
      equal(await page.textContent('#version'), SECOND, 'the reloaded page is the new build')
      equal(
        await page.evaluate(() => window.harness.sw.controllerInfo().then((i) => i?.version)),
        SECOND,
      )
      const after = await waitUntil('the old cache to go', async () => {
        const names = await shellCaches()
        return names.length === 1 && names[0] !== before[0] ? names : undefined
      })
      ok(after[0]!.startsWith('alternet-shell-'))
    }),
  )

  it(
    'has an escape hatch: ?reset-sw leads to /__an/reset.html, which removes every worker and cache after a click',
    bounded(60_000, async () => {
      await page.goto(relay.url(HARNESS_PATH))
      await controlled(page)
      await page.goto(relay.url('/?reset-sw'))
      equal(page.url(), relay.url('/__an/reset.html'))
      await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 })
      await page.getByRole('button', { name: 'Clear and repair' }).click()
      await page.waitForSelector('body[data-state="done"]', { timeout: 15_000 })
      const status = await page.textContent('#status')
      ok(/Cleared 1 offline helper and [1-9]\d* saved cop(y|ies)/.test(status ?? ''), status ?? '')
      const left = await page.evaluate(async () => ({
        workers: (await navigator.serviceWorker.getRegistrations()).length,
        caches: (await caches.keys()).length,
      }))
      deepEqual(left, { workers: 0, caches: 0 })
    }),
  )
})
