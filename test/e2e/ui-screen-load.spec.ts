/**
 * A screen the app loads when first shown, against a real relay serving the built app, in
 * Chromium: its code is not asked for before the person opens it; when it cannot be fetched,
 * the app says so in words with Reload (not a blank screen), and Reload shows the screen once
 * its code can be fetched.
 */
import type { Request } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { ok } from '../support/assert.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import { goTo, openApp, START_MS } from './ui-support/app-page.ts'

/** The publish screen's chunk in the app's build (vite names it after its module). */
const PUBLISH_CHUNK = /\/assets\/an-publish-page-[^/]*\.js$/

describe('a screen loaded when first shown (Chromium)', () => {
  let session: AppSession | undefined

  before(async () => {
    session = await startAppSession()
  })

  after(async () => {
    await session?.close()
  })

  it(
    'asks for the publish screen’s code only when it is opened, says when it did not load, and shows it on Reload',
    bounded(120_000, async () => {
      // No app worker: its precache would fetch every chunk beside the page.
      const context = await session!.browser.newContext({ serviceWorkers: 'block' })
      const page = await context.newPage()
      const asked: string[] = []
      page.on('request', (request: Request) => {
        if (PUBLISH_CHUNK.test(new URL(request.url()).pathname)) asked.push(request.url())
      })
      let fail = true
      await page.route(PUBLISH_CHUNK, (route) => (fail ? route.abort() : route.continue()))
      await openApp(page, session!.relay.appOrigin, '#/view')
      ok(asked.length === 0, `the publish screen's code was asked for on the viewer: ${asked}`)

      await goTo(page, 'Publish')
      const alert = page.getByRole('alert').filter({ hasText: 'This screen did not load' })
      await alert.waitFor({ timeout: START_MS })
      ok(asked.length > 0, 'the publish screen’s code was asked for when the screen opened')
      ok(
        !(await page.getByRole('textbox', { name: 'Name', exact: true }).isVisible()),
        'no publish form without its code',
      )

      fail = false
      await page.getByRole('button', { name: 'Reload', exact: true }).click()
      await page.getByRole('textbox', { name: 'Name', exact: true }).waitFor({ timeout: START_MS })
      ok(!(await alert.isVisible()), 'no alert once the screen shows')
      await context.close()
    }),
  )
})
