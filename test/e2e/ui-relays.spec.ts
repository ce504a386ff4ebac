/**
 * Adding and removing relays in Settings, against real relays: one that cannot be reached is
 * explained in plain words and not kept; one that connects is kept and can be removed again;
 * a relay's multiaddr is accepted as well as its URL.
 */
import type { Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { openApp, screenshot, seriousViolations, START_MS } from './ui-support/app-page.ts'

/** A loopback port nothing listens on (the discard port). */
const DEAD_RELAY = 'http://127.0.0.1:9'
/** The `localStorage` key of the added relays (src/ui/session/relay-settings.ts). */
const RELAYS_KEY = 'alternet.relays'

describe('settings: adding and removing relays (Chromium)', () => {
  let appDir = ''
  let relay: AppRelay
  let second: AppRelay
  let browser: Browser

  before(async () => {
    appDir = await buildApp()
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
    'a relay that cannot be reached is explained in plain words and not kept; a connected one can be removed',
    bounded(120_000, async () => {
      const { context, page } = await newPerson(browser, { viewport: { width: 390, height: 844 } })
      try {
        await openApp(page, relay.appOrigin, '#/settings')
        const field = page.getByRole('textbox', { name: 'Relay URL or address' })
        await field.fill(DEAD_RELAY)
        await page.getByRole('button', { name: 'Add relay' }).click()
        const alert = page.getByRole('alert').filter({ hasText: 'could not be reached' })
        await alert.waitFor({ timeout: START_MS })
        const words = (await alert.textContent()) ?? ''
        ok(!/Failed to fetch|well-known|[A-Z][a-z]+Error\b/.test(words), `plain words: ${words}`)
        await screenshot(page, 'relay-error-light-phone')
        const saved = () => page.evaluate((key) => localStorage.getItem(key) ?? '[]', RELAYS_KEY)
        ok(!(await saved()).includes('127.0.0.1:9'), 'the failing relay is not kept')
        ok(
          !(await page.locator('an-settings-page li', { hasText: DEAD_RELAY }).isVisible()),
          'the failing relay is not listed',
        )
        await page.getByText('1/1 relay').first().waitFor({ timeout: START_MS })

        await field.fill(second.relay.http)
        await page.getByRole('button', { name: 'Add relay' }).click()
        await page.getByText('2/2 relays').first().waitFor({ timeout: START_MS })
        ok((await saved()).includes(second.relay.http), 'the connected relay is kept')
        equal((await seriousViolations(page)).length, 0, 'no serious axe finding')
        await screenshot(page, 'relays-light-phone')
        await page.getByRole('button', { name: `Remove relay ${second.relay.http}` }).click()
        await page
          .locator('an-settings-page li', { hasText: second.relay.http })
          .waitFor({ state: 'detached', timeout: START_MS })
        ok(!(await saved()).includes(second.relay.http), 'the removed relay is forgotten')
        await page.getByText('1/1 relay').first().waitFor({ timeout: START_MS })

        // The field takes a relay's full network address too, as its hint says.
        await field.fill(second.relay.ws)
        await page.getByRole('button', { name: 'Add relay' }).click()
        await page.getByText('2/2 relays').first().waitFor({ timeout: START_MS })
        ok((await saved()).includes(second.relay.ws), 'the relay added by its multiaddr is kept')
      } finally {
        await context.close()
      }
    }),
  )
})
