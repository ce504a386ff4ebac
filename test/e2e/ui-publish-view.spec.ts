/**
 * Two people, two browser contexts, one real relay serving the built app: A publishes a folder
 * through the publish screen; B types its address and sees the site in the viewer, styled,
 * scripted, with its image, and follows a link into a sub-folder; back and forward work, and
 * what the name resolved to is one click away.
 */
import type { Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, match, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  openApp,
  openSite,
  ownFingerprint,
  publish,
  showNameDetails,
  siteFrame,
  VIEW_MS,
} from './ui-support/app-page.ts'
import {
  HEADING_COLOUR,
  IMAGE_SIZE,
  SCRIPT_TEXT,
  SUBPAGE_HEADING,
  writeSiteFolder,
} from './ui-support/site-folder.ts'

describe('publish and view through the app (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession()
    ;({ relay, browser } = session)
  })

  after(() => session?.close())

  it(
    'A publishes a folder; B types its address and sees it styled, scripted, with its image and its sub-folder page',
    bounded(180_000, async () => {
      const folder = await writeSiteFolder()
      const a = await newPerson(browser)
      const b = await newPerson(browser)
      try {
        await openApp(a.page, relay.appOrigin, '#/publish')
        await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
        await a.page.getByText('5 files').waitFor()
        await chooseName(a.page, 'mysite', 'code', 'free')
        const { address, progress } = await publish(a.page)
        equal(address, 'an://mysite:code/')
        equal(progress, 100, 'the progress bar ends full')
        ok(
          await a.page
            .getByRole('img', {
              name: /QR code of http:\/\/an\.localhost:\d+\/#\/view\/an:\/\/mysite:code\//,
            })
            .isVisible(),
          'a QR code of the share link',
        )
        const publisherKey = await ownFingerprint(a.page)

        await openApp(b.page, relay.appOrigin)
        // A bare name:topic with stray spaces, as people paste it.
        const frame = await openSite(b.page, '  mysite:code  ')
        const heading = frame.locator('h1')
        equal(
          // Read once the page has loaded: a stylesheet may still be on its way when the heading shows.
          await heading.evaluate(async (h) => {
            if (document.readyState !== 'complete')
              await new Promise((done) => addEventListener('load', done, { once: true }))
            return getComputedStyle(h).color
          }),
          HEADING_COLOUR,
          'the stylesheet applies',
        )
        await frame.locator('#js', { hasText: SCRIPT_TEXT }).waitFor({ timeout: VIEW_MS })
        const image = frame.locator('#logo')
        equal(
          await image.evaluate(
            async (img: HTMLImageElement) => (await img.decode(), img.naturalWidth),
          ),
          IMAGE_SIZE,
          'the image loaded',
        )

        const addressBar = b.page.getByRole('textbox', { name: 'Address', exact: true })
        equal(await addressBar.inputValue(), 'an://mysite:code/')
        match(decodeURI(new URL(b.page.url()).hash), /^#\/view\/an:\/\/mysite:code\/$/)

        await frame.getByRole('link', { name: 'Sub page' }).click()
        await frame.locator('h1', { hasText: SUBPAGE_HEADING }).waitFor({ timeout: VIEW_MS })
        equal(
          await frame.locator('h1').evaluate(async (h) => {
            if (document.readyState !== 'complete')
              await new Promise((done) => addEventListener('load', done, { once: true }))
            return getComputedStyle(h).color
          }),
          HEADING_COLOUR,
          'the sub-folder page is styled too',
        )
        await waitForValue(() => addressBar.inputValue(), 'an://mysite:code/docs/page.html')

        await b.page.getByRole('button', { name: 'Back' }).click()
        await frame.locator('#js', { hasText: SCRIPT_TEXT }).waitFor({ timeout: VIEW_MS })
        await waitForValue(() => addressBar.inputValue(), 'an://mysite:code/')
        await b.page.getByRole('button', { name: 'Forward' }).click()
        await frame.locator('h1', { hasText: SUBPAGE_HEADING }).waitFor({ timeout: VIEW_MS })

        await showNameDetails(b.page)
        const details = b.page.locator('an-name-details')
        await details.getByText(publisherKey).waitFor({ timeout: VIEW_MS })
        ok(
          await details
            .getByText(/^A browser of the owner \(ending in \w{6}\)$/)
            .first()
            .isVisible(),
          'the hosts are listed',
        )
        equal(
          a.errors.length + b.errors.length,
          0,
          `no page errors: ${[...a.errors, ...b.errors].join('; ')}`,
        )
      } finally {
        await a.context.close()
        await b.context.close()
        await folder.remove()
      }
    }),
  )

  it(
    'an address that does not parse is explained in words, and a name nobody published says so',
    bounded(90_000, async () => {
      const c = await newPerson(browser)
      try {
        await openApp(c.page, relay.appOrigin)
        await c.page
          .getByRole('textbox', { name: 'Address', exact: true })
          .fill('http://example.org')
        await c.page.getByRole('button', { name: 'Go', exact: true }).click()
        await c.page.getByRole('alert').getByText('That is not an Alternet address').waitFor()
        await c.page
          .getByRole('textbox', { name: 'Address', exact: true })
          .fill('an://nobody-here:void')
        await c.page.getByRole('textbox', { name: 'Address', exact: true }).press('Enter')
        await siteFrame(c.page)
          .getByText('Nobody has published this name')
          .waitFor({ timeout: VIEW_MS })
        await c.page
          .locator('[data-error="NameNotFoundError"]')
          .first()
          .waitFor({ timeout: VIEW_MS })
        // Said once, in the frame: the name's details would only say it again.
        await c.page.locator('details.about').waitFor({ state: 'hidden' })
      } finally {
        await c.context.close()
      }
    }),
  )

  it(
    'a web+an link handed over by the browser (percent-encoded) opens in the viewer',
    bounded(60_000, async () => {
      const d = await newPerson(browser)
      try {
        await openApp(
          d.page,
          relay.appOrigin,
          `#/view/${encodeURIComponent('web+an://Nobody-Here:Void/a')}`,
        )
        await waitForValue(
          () => d.page.getByRole('textbox', { name: 'Address', exact: true }).inputValue(),
          'an://nobody-here:void/a',
        )
        equal(await d.page.locator('iframe.frame').getAttribute('title'), 'Site nobody-here:void')
      } finally {
        await d.context.close()
      }
    }),
  )
})

/** Polls `read` until it gives `expected` (10 s). */
async function waitForValue(read: () => Promise<string>, expected: string): Promise<void> {
  const deadline = Date.now() + 10_000
  let last = ''
  while (Date.now() < deadline) {
    last = await read()
    if (last === expected) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`expected ${JSON.stringify(expected)}, still ${JSON.stringify(last)}`)
}
