/**
 * The publish form on a phone says what is missing where a person looks: Publish with no name
 * asks for a name and a topic in the Address card and puts the cursor in the empty field (not
 * "That is not an Alternet address" under the button); an error under the button is scrolled
 * into view; and an error goes once the person changes what it was about.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson, waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { chooseName, focused, openApp, seriousViolations } from './ui-support/app-page.ts'

/** A phone held upright. */
const PHONE = { width: 390, height: 844 }

/** Whether the whole of the element `selector` finds is inside the screen. */
async function inView(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox()
  // Scrolling lands on whole device pixels: a fraction of one past the edge is in view.
  return box !== null && box.y >= -1 && box.y + box.height <= PHONE.height + 1
}

describe('the publish form says what is missing, in view (Chromium, a phone)', () => {
  let session: AppSession
  let relay: AppRelay
  let context: BrowserContext
  let page: Page

  before(async () => {
    session = await startAppSession()
    relay = session.relay
    ;({ context, page } = await newPerson(session.browser, { viewport: PHONE }))
    await openApp(page, relay.appOrigin, '#/publish')
  })

  after(async () => {
    await context?.close()
    await session?.close()
  })

  it(
    'Publish with no name asks for one at the fields; a later error is in view and goes once the person acts',
    bounded(120_000, async () => {
      const publishButton = page.getByRole('button', { name: 'Publish', exact: true })
      await publishButton.click()
      const missing = page.locator('[data-missing-name]')
      await missing.waitFor()
      ok(
        /Fill in a name and a topic/.test((await missing.textContent()) ?? ''),
        `the Address card asks for a name: ${await missing.textContent()}`,
      )
      equal((await focused(page))?.id, 'name', 'the cursor is in the empty Name field')
      equal(
        await page.getByText('That is not an Alternet address').count(),
        0,
        'no address error for fields not yet filled',
      )
      ok(await inView(page, '[data-missing-name]'), 'the request is on the screen')
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding')

      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('form')
      ok(await missing.isVisible(), 'still asked while the topic is empty')
      await chooseName(page, 'form', 'words', 'free')
      equal(await missing.count(), 0, 'the request goes once both are filled')

      await publishButton.click()
      const alert = page.locator('[data-error="InvalidSiteFilesError"]')
      await alert.waitFor()
      await waitUntil('the error scrolled onto the screen', () =>
        inView(page, '[data-error="InvalidSiteFilesError"]'),
      )
      ok(
        await inView(page, '[data-error="InvalidSiteFilesError"]'),
        `the error is on the screen: ${JSON.stringify(await alert.boundingBox())}`,
      )

      await page.getByRole('button', { name: 'Write a page instead' }).click()
      await alert.waitFor({ state: 'detached' })
      equal(await alert.count(), 0, 'the error goes once the person picks content')
    }),
  )
})
