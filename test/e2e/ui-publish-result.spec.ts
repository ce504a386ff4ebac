/**
 * After publishing, the screen reads in order (real relay, real Chromium, phone size): the
 * finished publication first (its progress and the "Your site is live" card, on screen), then
 * a fresh form under its own heading, "Publish another site". The card is not left under the
 * next site's form: it goes as soon as the person starts that publication (types a name).
 */
import type { Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { chooseName, openApp, publish } from './ui-support/app-page.ts'
import { writeSiteFolder } from './ui-support/site-folder.ts'

const PHONE = { width: 390, height: 844 }

describe('the publish result and the next publication (Chromium, a real relay)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession(['--mirror-policy', 'none'])
    ;({ relay, browser } = session)
  })

  after(() => session?.close())

  /** A person on a phone with the Publish form filled: a five-file folder under `name`:code. */
  async function formFilled(name: string) {
    const folder = await writeSiteFolder()
    const a = await newPerson(browser, { viewport: PHONE })
    await openApp(a.page, relay.appOrigin, '#/publish')
    await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
    await a.page.getByText('5 files').waitFor()
    await chooseName(a.page, name, 'code', 'free')
    return { folder, a }
  }

  it(
    'shows the live card above a fresh form, and drops it once the next publication starts',
    bounded(180_000, async () => {
      const { folder, a } = await formFilled('finished')
      try {
        await publish(a.page)

        const card = a.page.locator('an-publish-page section.done')
        const next = a.page.getByRole('heading', { name: 'Publish another site', exact: true })
        const form = a.page.getByRole('form', { name: 'Publish another site' })
        await next.waitFor()
        const cardBox = await card.boundingBox()
        const formBox = await form.boundingBox()
        ok(cardBox !== null && formBox !== null, 'the card and the form are laid out')
        ok(
          cardBox.y + cardBox.height <= formBox.y,
          `the card (ending at ${cardBox.y + cardBox.height}) comes before the form (at ${formBox.y})`,
        )
        const inView = await card.evaluate((el) => {
          const box = el.getBoundingClientRect()
          return box.top >= 0 && box.top < innerHeight
        })
        ok(inView, 'the card is on screen after publishing')
        equal(await a.page.getByRole('textbox', { name: 'Name', exact: true }).inputValue(), '')

        // Starting the next publication: the finished one's card and progress go.
        await a.page.getByRole('textbox', { name: 'Name', exact: true }).fill('another')
        await card.waitFor({ state: 'detached' })
        equal(await a.page.getByRole('progressbar').count(), 0, 'no progress of the last one')
        equal(await next.count(), 0, 'the form is the plain Publish form again')
      } finally {
        await a.context.close()
        await folder.remove()
      }
    }),
  )

  it(
    'brings the progress into view when Publish is pressed at the foot of the form',
    bounded(180_000, async () => {
      const { folder, a } = await formFilled('progress')
      try {
        // Every frame until the result shows: was the publication's progress bar ever on screen?
        await a.page.evaluate(() => {
          const seen = window as unknown as { progressOnScreen?: boolean }
          seen.progressOnScreen = false
          const page = () =>
            document.querySelector('an-app')?.shadowRoot?.querySelector('an-publish-page')
              ?.shadowRoot
          const tick = (): void => {
            const root = page()
            if (root?.querySelector('section.done') != null) return
            const bar = root?.querySelector('[role="progressbar"]')
            if (bar != null) {
              const box = bar.getBoundingClientRect()
              if (box.top >= 0 && box.bottom <= innerHeight) seen.progressOnScreen = true
            }
            requestAnimationFrame(tick)
          }
          requestAnimationFrame(tick)
        })
        await publish(a.page)
        ok(
          await a.page.evaluate(
            () => (window as unknown as { progressOnScreen?: boolean }).progressOnScreen,
          ),
          'the progress bar came on screen while publishing',
        )
      } finally {
        await a.context.close()
        await folder.remove()
      }
    }),
  )
})
