/**
 * The health card's "Visits served by this device", end to end with a real relay (mirroring
 * nothing, so only the owner's tab can serve) and real Chromium: A publishes a folder site; B
 * and then C, fresh people, open it; A's My sites counts one visit, then two, and "About this
 * name" says the same, with until when the site stays up without A's device. The count lives
 * on across a reload of A's app.
 */
import type { Browser, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson, waitUntil } from './support/browser.ts'
import { bounded, siteFrame } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  publish,
  showNameDetails,
  visit,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'
import { writeSiteFolder } from './ui-support/site-folder.ts'

const SITE = 'counted:code'

/** Waits until A's My sites card of SITE says `words` under "Visits served by this device". */
async function visitsSay(page: Page, words: string): Promise<void> {
  await goTo(page, 'My sites')
  const card = page.locator('an-sites-page li.card', { hasText: `an://${SITE}` })
  await waitUntil(
    `My sites to count "${words}"`,
    async () => (await card.locator('[data-visits]').textContent())?.trim() === words,
    VIEW_MS,
  )
}

describe('The health card counts the visits this device served (Chromium, a real relay)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession(['--mirror-policy', 'none'])
    ;({ relay, browser } = session)
  })

  after(() => session?.close())

  it(
    'counts each fresh visitor once, in My sites and About this name',
    bounded(300_000, async () => {
      const folder = await writeSiteFolder()
      const a = await newPerson(browser)
      const b = await newPerson(browser)
      const c = await newPerson(browser)
      try {
        await openApp(a.page, relay.appOrigin, '#/publish')
        await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
        await a.page.getByText('5 files').waitFor()
        await chooseName(a.page, 'counted', 'code', 'free')
        await publish(a.page)
        await visitsSay(a.page, 'none yet')

        for (const [person, count] of [
          [b, '1 visit'],
          [c, '2 visits'],
        ] as const) {
          await openApp(person.page, relay.appOrigin)
          await visit(person.page, `an://${SITE}`)
          await siteFrame(person.page, relay.siteOrigin(SITE), 'h1', VIEW_MS)
          await visitsSay(a.page, count)
        }

        // Kept across a restart of the app, and shown in About this name too.
        await a.page.reload()
        await waitForPhase(a.page, 'running')
        await visit(a.page, `an://${SITE}`)
        await showNameDetails(a.page)
        await waitUntil(
          'About this name to count 2 visits',
          async () =>
            (await a.page.locator('an-name-details [data-visits]').textContent())?.trim() ===
            '2 visits',
          VIEW_MS,
        )
        // The rest of the health card: until when it stays up without this device (no mirror here).
        await waitUntil(
          'About this name to say the site is up only while this tab is',
          async () =>
            (await a.page.locator('an-name-details [data-away]').textContent())?.trim() ===
            'no: no mirror holds it yet, so closing this tab takes it offline',
          VIEW_MS,
        )
      } finally {
        await a.context.close()
        await b.context.close()
        await c.context.close()
        await folder.remove()
      }
    }),
  )
})
