/**
 * What a person sees first, checked the way they see it: the failure page readable in dark
 * mode, the publish result in view on a phone, Update reopening the page written in the
 * editor. Screenshots at 1280×800 and 390×844, light and dark, go to test-results/screens/.
 */
import type { Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { contrastInFrame } from './ui-support/contrast.ts'
import {
  chooseName,
  focused,
  goTo,
  noErrorClassNames,
  openApp,
  waitForPhase,
  publish,
  screenshot,
  readableText,
  seriousViolations,
  visit,
  VIEW_MS,
  writePage,
} from './ui-support/app-page.ts'

/** A desktop window. */
const DESKTOP = { width: 1280, height: 800 }
/** A phone held upright. */
const PHONE = { width: 390, height: 844 }
/** WCAG AA contrast for body text. */
const MIN_CONTRAST = 4.5
/** The page written in the editor, found again on Update. */
const WRITTEN = 'Written for the update test'

type Scheme = 'light' | 'dark'

describe('first sight: dark failure pages, the publish result, Update (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay
  /** The phone that published the written page. */
  let publisher: Page | undefined

  before(async () => {
    session = await startAppSession()
    relay = session.relay
  })

  after(() => session?.close())

  /** A fresh person with the app open at `hash`. */
  async function person(
    viewport: { width: number; height: number },
    colorScheme: Scheme,
    hash = '#/view',
  ): Promise<Page> {
    const page = await (await session.context(colorScheme, { viewport })).newPage()
    await openApp(page, relay.appOrigin, hash)
    return page
  }

  /** No serious or critical axe finding on the screen shown now. */
  async function accessible(page: Page, name: string): Promise<void> {
    const violations = await seriousViolations(page)
    equal(violations.length, 0, `${name}: axe found ${JSON.stringify(violations, null, 1)}`)
  }

  for (const [scheme, viewport, size] of [
    ['dark', DESKTOP, 'desktop'],
    ['dark', PHONE, 'phone'],
    ['light', PHONE, 'phone'],
  ] as const) {
    it(
      `the failure page for a name nobody published is readable (${scheme}, ${size})`,
      bounded(90_000, async () => {
        const page = await person(viewport, scheme)
        await visit(page, 'an://nobody-here:void')
        const frame = page.frameLocator('iframe.frame')
        await frame.locator('html[data-an-failure]').waitFor({ timeout: VIEW_MS })
        const holder = page.locator('iframe.frame')
        for (const selector of ['h1', 'p[role="alert"]', 'code']) {
          const ratio = await contrastInFrame(frame.locator(selector).first(), holder)
          ok(ratio >= MIN_CONTRAST, `${selector} contrast ${ratio.toFixed(2)} ≥ ${MIN_CONTRAST}`)
        }
        await noErrorClassNames(page, `failure-${scheme}-${size}`)
        await accessible(page, `failure-${scheme}-${size}`)
        await screenshot(page, `failure-${scheme}-${size}`, false)
      }),
    )
  }

  it(
    'on a phone the publish result scrolls into view, takes the focus, and the name reads as yours',
    bounded(150_000, async () => {
      const page = await person(PHONE, 'light', '#/publish')
      await chooseName(page, 'phone', 'update', 'free')
      await page.getByRole('button', { name: 'Publish', exact: true }).click()
      await page.getByRole('alert').getByText('These files cannot be published').waitFor()
      const said = (await readableText(page)).match(/at least one file|Pick files/g) ?? []
      equal(said.length, 2, `the no-files error says each thing once: ${said.join(' | ')}`)
      await noErrorClassNames(page, 'publish without files')
      await page.getByLabel('Files', { exact: true }).setInputFiles({
        name: 'about.html',
        mimeType: 'text/html',
        buffer: Buffer.from('<!doctype html><title>About</title><p>About</p>'),
      })
      await page.locator('[data-no-index]').waitFor()
      await screenshot(page, 'publish-no-index-light-phone', false)
      await writePage(
        page,
        `<!doctype html><html lang="en"><title>Up</title><h1>${WRITTEN}</h1></html>`,
      )
      ok(!(await page.locator('[data-no-index]').isVisible()), 'a written page is the index')
      await publish(page)
      const done = page.getByRole('heading', { name: 'Your site is live' })
      await waitUntil(
        'the result heading inside the phone screen',
        async () => {
          const box = await done.boundingBox()
          // In the upper half of the screen, so Open, Copy link and the QR code follow in view.
          return box !== null && box.y >= 0 && box.y + box.height <= PHONE.height / 2
        },
        VIEW_MS,
      )
      ok(await done.evaluate((h) => h.matches(':focus')), 'the result heading has the focus')
      // The form starts afresh for the next site: the published name is not left reading as free.
      equal(
        await page.getByRole('textbox', { name: 'Name', exact: true }).inputValue(),
        '',
        'the form is cleared for the next site',
      )
      ok(
        !(await page.locator('#availability').getByText('is free').isVisible()),
        'the name no longer reads as free',
      )
      ok(await page.getByRole('link', { name: 'Open phone:update' }).isVisible(), 'Open is shown')
      await accessible(page, 'publish-done-phone')
      await screenshot(page, 'publish-done-light-phone', false)
      publisher = page
    }),
  )

  it(
    'Update reopens the page written in the editor, under "Update <name>"',
    bounded(90_000, async () => {
      ok(publisher !== undefined, 'the site was published')
      const page = publisher
      await goTo(page, 'My sites')
      await page.getByRole('link', { name: 'Update phone:update' }).click()
      await page.getByRole('heading', { name: 'Update phone:update' }).waitFor()
      const editor = page.getByRole('textbox', { name: 'Page (index.html)' })
      await editor.waitFor({ timeout: VIEW_MS })
      ok((await editor.inputValue()).includes(WRITTEN), 'the written page is back in the editor')
      await page.locator('#availability').getByText('is yours').waitFor({ timeout: VIEW_MS })
      await accessible(page, 'update-phone')
      await screenshot(page, 'update-light-phone')
    }),
  )

  it(
    'a name nobody published offers to publish it; a malformed address takes the last site away, leaves no address behind and Back returns to it; no screen shows an error class name',
    bounded(120_000, async () => {
      const page = await person(DESKTOP, 'dark')
      await visit(page, 'an://nobody-here:void')
      await page
        .frameLocator('iframe.frame')
        .locator('html[data-an-failure]')
        .waitFor({ timeout: VIEW_MS })
      const offer = page.getByRole('link', { name: 'Publish this name' })
      await offer.waitFor({ timeout: VIEW_MS })
      ok(
        !(await page.frameLocator('iframe.frame').getByRole('link', { name: 'Try again' }).count()),
        'no "Try again" for a name nobody published',
      )
      await noErrorClassNames(page, 'viewer, name not found')
      const address = page.getByRole('textbox', { name: 'Address', exact: true })
      await address.fill('an://bad name:x')
      await page.getByRole('button', { name: 'Go', exact: true }).click()
      await page.getByRole('alert').first().waitFor()
      ok(!(await page.locator('iframe.frame').isVisible()), 'the previous site is not left shown')
      equal(
        await page.locator('iframe.frame').getAttribute('src'),
        null, // a new, empty frame in place of the site's
        'nor left loaded underneath',
      )
      equal(await address.inputValue(), 'an://bad name:x', 'the bar keeps what to correct')
      await noErrorClassNames(page, 'viewer, malformed address')
      await accessible(page, 'viewer-malformed-dark-desktop')
      await screenshot(page, 'viewer-malformed-dark-desktop', false)
      // Away and back to Browse: the welcome, not the old address's error.
      await goTo(page, 'Publish')
      await goTo(page, 'Browse')
      await page.getByRole('heading', { name: 'Open a site' }).waitFor()
      equal(
        await page.locator('an-browser-frame').getByRole('alert').count(),
        0,
        `the malformed address’s error went with it: ${await page.locator('an-browser-frame').getByRole('alert').allInnerTexts()}`,
      )
      await offer.waitFor({ state: 'detached' })
      equal(await address.inputValue(), '', 'the bar holds no address that is not shown')
      // Back brings the site read before the address that did not parse.
      await page.getByRole('button', { name: 'Back' }).click()
      await page
        .frameLocator('iframe.frame')
        .locator('html[data-an-failure]')
        .waitFor({ timeout: VIEW_MS })
      equal(await address.inputValue(), 'an://nobody-here:void/')
      await page.getByRole('link', { name: 'Publish this name' }).click()
      await page.getByRole('heading', { name: 'Publish a site' }).waitFor()
      equal(
        await page.getByRole('textbox', { name: 'Name', exact: true }).inputValue(),
        'nobody-here',
      )
      await page.locator('#availability').getByText('is free').waitFor({ timeout: VIEW_MS })
      for (const screen of ['Publish', 'My sites', 'Identity', 'Settings'] as const) {
        await goTo(page, screen)
        await noErrorClassNames(page, screen)
        await accessible(page, `${screen} (dark)`)
        await screenshot(page, `${screen.toLowerCase().replace(' ', '-')}-dark-desktop`)
      }
    }),
  )

  it(
    'on a phone the address bar is one row and the network panel opens over the page, not pushing it down',
    bounded(90_000, async () => {
      const page = await person(PHONE, 'dark')
      const address = page.getByRole('textbox', { name: 'Address', exact: true })
      const back = page.getByRole('button', { name: 'Back' })
      const [bar, arrow] = [await address.boundingBox(), await back.boundingBox()]
      ok(bar !== null && arrow !== null, 'the address bar and Back are shown')
      ok(
        Math.abs(bar.y + bar.height / 2 - (arrow.y + arrow.height / 2)) < 4,
        `Back sits beside the address bar: ${JSON.stringify({ bar, arrow })}`,
      )
      const before = await address.boundingBox()
      await page.locator('an-network-status summary').click()
      const panel = page.locator('an-network-status .panel')
      await panel.getByText('This device’s network ID').waitFor()
      equal((await address.boundingBox())?.y, before?.y, 'the page did not move')
      const [shade, under] = await Promise.all(
        [panel, page.locator('an-app')].map((element) =>
          element.evaluate((e) => getComputedStyle(e).backgroundColor),
        ),
      )
      ok(shade !== under, `the panel stands out from the dark page under it: ${shade} on ${under}`)
      await accessible(page, 'network-panel-dark-phone')
      await screenshot(page, 'network-panel-dark-phone', false)
      await page.keyboard.press('Escape')
      await panel.waitFor({ state: 'hidden' })
      // A status longer than the row ("not reachable yet" while the node starts, the second
      // tab's) is cut short: the header stays one row and the page never jumps.
      const header = page.locator('an-app header')
      const oneRow = (await header.boundingBox())?.height
      const second = await page.context().newPage()
      await second.goto(`${relay.appOrigin}/#/view`)
      await waitForPhase(second, 'elsewhere')
      equal(
        (await second.locator('an-app header').boundingBox())?.height,
        oneRow,
        'a long status keeps the header one row',
      )
      const [bar2, arrow2] = [
        await second.getByRole('textbox', { name: 'Address', exact: true }).boundingBox(),
        await second.getByRole('button', { name: 'Back' }).boundingBox(),
      ]
      equal(bar2?.y, arrow2?.y, 'Back still sits beside the address bar')
      await screenshot(second, 'status-cut-short-dark-phone', false)
      await second.close()
    }),
  )

  it(
    'on a desktop: the column is centred, a skip link comes first, the drop zone takes the keyboard, and a name held by another key cannot be published',
    bounded(90_000, async () => {
      ok(publisher !== undefined, 'phone:update was published by another person')
      const page = await person(DESKTOP, 'light', '#/publish')
      const box = await page.locator('an-publish-page').boundingBox()
      ok(box !== null, 'the publish screen is shown')
      const [left, right] = [box.x, DESKTOP.width - box.x - box.width]
      ok(Math.abs(left - right) < 24, `the column is centred: ${left} | ${right}`)
      await page.keyboard.press('Tab')
      equal((await focused(page))?.label, 'Skip to content')
      await page.keyboard.press('Enter')
      await page.keyboard.press('Tab')
      const seen: string[] = []
      for (let i = 0; i < 6 && !seen.some((l) => /drop files/i.test(l)); i++) {
        seen.push((await focused(page))?.label ?? '')
        await page.keyboard.press('Tab')
      }
      ok(
        seen.some((label) => /drop files/i.test(label)),
        `past the header, the drop zone is reached: ${seen.join(' → ')}`,
      )
      await chooseName(page, 'phone', 'update', 'held')
      const held = (await page.locator('[data-availability="held"]').textContent()) ?? ''
      ok(!/\d:\d\d:\d\d/.test(held), `the date has no seconds: ${held}`)
      ok(
        await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled(),
        'Publish is off while the name is held by another key',
      )
      await accessible(page, 'publish-held-light-desktop')
      await screenshot(page, 'publish-held-light-desktop', false)
    }),
  )
})
