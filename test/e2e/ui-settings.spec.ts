/**
 * Settings against real relays and a real rebuild: a second relay is added by its URL and
 * connected; a new build of the app is announced as "Update available" and applied on consent.
 */
import type { Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { goTo, openApp, START_MS } from './ui-support/app-page.ts'

describe('settings: relays and updates (Chromium)', () => {
  let appDir = ''
  let relay: AppRelay
  let second: AppRelay
  let browser: Browser

  before(async () => {
    appDir = await buildApp({ version: 'ui-1' })
    relay = await startAppRelay(appDir)
    second = await startAppRelay(appDir)
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await relay?.stop()
    await second?.stop()
    await removeBuild(appDir)
  })

  it(
    'adds a relay by its URL and shows it connected',
    bounded(60_000, async () => {
      const { context, page } = await newPerson(browser)
      try {
        await openApp(page, relay.appOrigin, '#/settings')
        await page.getByRole('textbox', { name: 'Relay URL' }).fill(second.relay.http)
        await page.getByRole('button', { name: 'Add relay' }).click()
        await page
          .getByRole('status')
          .getByText(`Connected to ${second.relay.http}`)
          .waitFor({ timeout: START_MS })
        await page.getByText('2/2 relays').waitFor({ timeout: START_MS })
      } finally {
        await context.close()
      }
    }),
  )

  it(
    'announces a new version and applies it when the person agrees',
    bounded(120_000, async () => {
      const { context, page } = await newPerson(browser)
      try {
        await openApp(page, relay.appOrigin, '#/settings')
        await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
          timeout: START_MS,
        })
        await page.getByText('Version ui-1.').waitFor()
        await buildApp({ outDir: appDir, version: 'ui-2' })
        await goTo(page, 'Settings')
        await page.getByRole('button', { name: 'Check for updates' }).click()
        const banner = page.getByRole('status', { name: 'Update available' })
        await banner.waitFor({ timeout: START_MS })
        await Promise.all([
          page.waitForEvent('load', { timeout: START_MS }),
          banner.getByRole('button', { name: 'Update now' }).click(),
        ])
        await page.locator('an-app[data-phase="running"]').waitFor({ timeout: START_MS })
        await goTo(page, 'Settings')
        await page.getByText('Version ui-2.').waitFor({ timeout: START_MS })
        ok(!(await banner.isVisible()), 'the banner is gone once updated')
      } finally {
        await context.close()
      }
    }),
  )
})
