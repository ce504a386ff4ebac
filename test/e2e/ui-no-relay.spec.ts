/**
 * With the network up but no relay answering, against a real relay that stops: a site this
 * device never opened fails in seconds with "No relay answers" and an empty frame, instead of
 * waiting out every timeout of the node.
 */
import type { Browser, BrowserContext } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  noErrorClassNames,
  openApp,
  seriousViolations,
  START_MS,
  visit,
} from './ui-support/app-page.ts'

/**
 * How soon the failure shows once asked: the app's 4 s give-up plus rendering, well under the
 * ~40 s an unvisited site waited before.
 */
const NO_RELAY_FAIL_MS = 10_000

describe('no relay answers (Chromium)', () => {
  let appDir = ''
  let relay: AppRelay | undefined
  let browser: Browser
  const contexts: BrowserContext[] = []

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    browser = await launchChromium()
  })

  after(async () => {
    for (const context of contexts) await context.close()
    await browser?.close()
    await relay?.stop()
    await removeBuild(appDir)
  })

  it(
    'a site never opened here fails fast with words when every relay fails',
    bounded(120_000, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      contexts.push(context)
      const page = await context.newPage()
      await openApp(page, relay!.appOrigin, '#/view')
      await relay!.stop()
      relay = undefined
      // The relay was tried and failed: the header offers to retry.
      await page.getByRole('button', { name: 'Retry now' }).waitFor({ timeout: START_MS })
      await visit(page, 'an://never-seen:norelay')
      const alert = page.getByRole('alert').filter({ hasText: 'No relay answers' })
      await alert.waitFor({ timeout: NO_RELAY_FAIL_MS })
      ok(!(await page.locator('iframe.frame').isVisible()), 'no frame is left shown')
      await noErrorClassNames(page, 'no relay')
      const violations = await seriousViolations(page)
      ok(violations.length === 0, `axe: ${JSON.stringify(violations)}`)
    }),
  )
})
