/**
 * Discover on the Browse screen, end to end with a real relay and real Chromium: A publishes
 * one site with "List this site in the public directory" ticked and then, from the same form,
 * another without (the form starts afresh, the box unticked; Update reopens each with its
 * choice); B, fresh,
 * sees the listed one (and not the other) under Discover, opens it with one tap, and "About
 * this name" says, in words, who can serve it now (this relay mirrors nothing: the owner's
 * browser), with no whole peer ID or error class name.
 *
 * With SHOTS_DIR set, screenshots of Browse with Discover, About this name, the Publish form's
 * listing choice and Settings (1280×800 and 390×844, light and dark) are saved there.
 */
import type { Browser, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { match, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson, waitUntil } from './support/browser.ts'
import { shots } from './support/shots.ts'
import { bounded, siteFrame } from './support/site-frame.ts'
import {
  chooseName,
  ERROR_CLASS_NAME,
  goTo,
  openApp,
  publish,
  showNameDetails,
  VIEW_MS,
} from './ui-support/app-page.ts'
import { writeSiteFolder } from './ui-support/site-folder.ts'

const LISTED = 'listed:code'
const QUIET = 'quiet:code'

async function publishFolder(page: Page, dir: string, name: string, list: boolean): Promise<void> {
  await goTo(page, 'Publish')
  await page.getByLabel('Folder', { exact: true }).setInputFiles(dir)
  await page.getByText('5 files').waitFor()
  await chooseName(page, name, 'code', 'free')
  const box = page.getByLabel('List this site in the public directory')
  // The form starts afresh after each publication: the listing is never carried over.
  ok(!(await box.isChecked()), `the listing box is ticked before ${name} is chosen`)
  if (list) await box.setChecked(true)
  await shots(page, `publish-listing-${name}`)
  await publish(page)
  ok(
    (await page.getByRole('textbox', { name: 'Name', exact: true }).inputValue()) === '',
    `the name ${name} stays in the form after it is published`,
  )
}

describe('Discover lists the sites owners opted in (Chromium, a real relay)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession(['--mirror-policy', 'none'])
    ;({ relay, browser } = session)
  })

  after(() => session?.close())

  it(
    'A lists one site at publish; B sees it in Discover, not the other, and opens it',
    bounded(300_000, async () => {
      const folder = await writeSiteFolder()
      const a = await newPerson(browser)
      const b = await newPerson(browser)
      try {
        await openApp(a.page, relay.appOrigin, '#/publish')
        await publishFolder(a.page, folder.dir, 'listed', true)
        await publishFolder(a.page, folder.dir, 'quiet', false)
        // Update keeps the choice the record holds.
        for (const [site, listed] of [
          [LISTED, true],
          [QUIET, false],
        ] as const) {
          await goTo(a.page, 'My sites')
          await a.page.getByRole('link', { name: `Update ${site}` }).click()
          await a.page
            .getByRole('heading', { name: `Update ${site}` })
            .waitFor({ timeout: VIEW_MS })
          const box = a.page.getByLabel('List this site in the public directory')
          await waitUntil(
            `the listing choice of ${site} to show ${listed}`,
            async () => (await box.isChecked()) === listed,
            VIEW_MS,
          )
        }

        await openApp(b.page, relay.appOrigin)
        const discover = b.page.locator('an-discover [data-discover]')
        const entry = discover.locator(`[data-listed="${LISTED}"]`)
        await entry.waitFor({ timeout: VIEW_MS })
        ok(
          (await discover.locator(`[data-listed="${QUIET}"]`).count()) === 0,
          'a site published without the opt-in is listed',
        )
        await shots(b.page, 'discover')
        await entry.getByRole('link').click()
        await siteFrame(b.page, relay.siteOrigin(LISTED), 'h1', VIEW_MS)

        await showNameDetails(b.page)
        const sources = b.page.locator('an-name-details [data-sources]')
        await sources.locator('[data-can-serve]').waitFor({ timeout: VIEW_MS })
        const said = (await sources.innerText()).trim()
        // The owner's tab is open, but a browser-to-browser probe may stall (docs/ARCHITECTURE.md,
        // "Browser-to-browser WebRTC dials sometimes stall"): the words are checked either way.
        match(said, /^(Yes: 1 host can serve it\.|No one can serve it right now: .+\.)\n/)
        match(said, /The owner’s browser \((answering now|last seen .+|not reached)\) …\w{6}/)
        ok(!/12D3Koo\w{20,}/.test(said), `no whole peer ID in "${said}"`)
        ok(!ERROR_CLASS_NAME.test(said), `no error class name in "${said}"`)
        match(said, /Help host the sites I visit/)
        await shots(b.page, 'about-this-name')
        await goTo(b.page, 'Settings')
        await shots(b.page, 'settings')
      } finally {
        await a.context.close()
        await b.context.close()
        await folder.remove()
      }
    }),
  )
})
