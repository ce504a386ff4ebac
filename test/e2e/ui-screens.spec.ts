/**
 * Every screen on a phone-sized viewport (360×740): an axe-core scan finds no serious or
 * critical violation, nothing scrolls sideways, and a screenshot is saved under
 * test-results/screens/ for a person to look at. Then the viewer with the keyboard alone.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  focused,
  goTo,
  openApp,
  publishWrittenPage,
  screenshot,
  scrollsSideways,
  seriousViolations,
  showNameDetails,
  siteFrame,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'

/** A phone held upright. */
const PHONE = { width: 360, height: 740 }
/** The app's header above the address bar on a phone: one row of 44 px controls and the page's margin. */
const MAX_CHROME_ABOVE_BAR = 60
/** Tab presses allowed to reach the address bar from the top of the page. */
const MAX_TABS_TO_ADDRESS = 12

describe('screens on a phone: accessibility scan, no sideways scroll, screenshots', () => {
  let session: AppSession
  let relay: AppRelay
  let context: BrowserContext
  let page: Page
  let errors: string[]

  before(async () => {
    session = await startAppSession()
    relay = session.relay
    ;({ context, page, errors } = await newPerson(session.browser, { viewport: PHONE }))
    await openApp(page, relay.appOrigin)
  })

  after(async () => {
    await context?.close()
    await session?.close()
  })

  /** Scans, checks the width and saves the screenshot of the screen shown now. */
  async function check(name: string, fullPage = true): Promise<void> {
    const violations = await seriousViolations(page)
    equal(violations.length, 0, `${name}: axe found ${JSON.stringify(violations, null, 1)}`)
    equal(await scrollsSideways(page), false, `${name}: the page scrolls sideways`)
    await screenshot(page, name, fullPage)
  }

  it(
    'the viewer before any address',
    bounded(60_000, async () => {
      await page.getByRole('heading', { name: 'Open a site' }).waitFor()
      await check('viewer-start')
    }),
  )

  it(
    'publishing a written page, with its progress and share link',
    bounded(120_000, async () => {
      await goTo(page, 'Publish')
      await check('publish-empty')
      const { address } = await publishWrittenPage(
        page,
        'phone',
        'demo',
        '<!doctype html><html lang="en"><head><title>Phone</title></head><body><h1>Written on a phone</h1></body></html>',
      )
      equal(address, 'an://phone:demo/')
      await check('publish-done')
    }),
  )

  it(
    'the viewer showing a site, with what its name resolved to',
    bounded(90_000, async () => {
      await visit(page, 'an://phone:demo')
      await siteFrame(page)
        .locator('h1', { hasText: 'Written on a phone' })
        .waitFor({ timeout: VIEW_MS })
      await showNameDetails(page)
      await page.locator('an-name-details').getByText('Owner key').waitFor({ timeout: VIEW_MS })
      const help = page.getByRole('button', { name: 'Help host the sites I visit' })
      await help.waitFor({ timeout: VIEW_MS })
      const [helpBox, goBox] = [
        await help.boundingBox(),
        await page.getByRole('button', { name: 'Go', exact: true }).boundingBox(),
      ]
      ok(
        helpBox !== null && goBox !== null && Math.abs(helpBox.height - goBox.height) <= 1,
        `Help host is as tall as Go: ${helpBox?.height} and ${goBox?.height} px (${await help.evaluate(
          (b) => {
            const c = getComputedStyle(b)
            return `${c.lineHeight} ${c.fontSize} ${c.paddingTop} ${c.display}`
          },
        )})`,
      )
      await check('viewer-details')
      // Another address starts with its details closed, so the site shows under the bar.
      await visit(page, 'an://nobody-here:void')
      await siteFrame(page).locator('html[data-an-failure]').waitFor({ timeout: VIEW_MS })
      await visit(page, 'an://phone:demo')
      await siteFrame(page)
        .locator('h1', { hasText: 'Written on a phone' })
        .waitFor({ timeout: VIEW_MS })
      equal(
        await page.locator('details.about').getAttribute('open'),
        null,
        'About this name is closed for the next site',
      )
      // Typed again, the site is a new visit: Back goes to the name opened before it.
      ok(await page.getByRole('button', { name: 'Back' }).isEnabled(), 'Back is there')
      ok(await page.getByRole('button', { name: 'Forward' }).isDisabled(), 'nothing ahead')
      // The site right under the address bar, with no empty room: a phone has none to spare.
      // "About this name" follows the site.
      const [bar, about, site] = await Promise.all(
        ['an-browser-frame form', 'details.about > summary', 'iframe.frame'].map((selector) =>
          page.locator(selector).boundingBox(),
        ),
      )
      ok(bar !== null && about !== null && site !== null, 'the bar, the line and the site show')
      const gap = site.y - (bar.y + bar.height)
      ok(gap <= 12, `room between the address bar and the site: ${gap} px`)
      ok(about.y >= site.y + site.height, 'About this name comes after the site')
      // The app's own header is one row above the address bar (it was two, with the links).
      ok(bar.y <= MAX_CHROME_ABOVE_BAR, `the address bar starts ${bar.y} px from the top`)
      // The site fills the screen; "About this name" follows it one header's height below, in
      // view once the header folds away (ui-header-fold).
      const header = await page.locator('an-app header').boundingBox()
      ok(
        about.y + about.height <= PHONE.height + (header?.height ?? 0) &&
          site.y + site.height >= PHONE.height - 64,
        `the site ends ${PHONE.height - site.y - site.height} px above the bottom, before About this name`,
      )
      await check('viewer-site', false)
    }),
  )

  it(
    'my sites',
    bounded(60_000, async () => {
      await goTo(page, 'My sites')
      await page.getByRole('link', { name: 'an://phone:demo' }).waitFor({ timeout: VIEW_MS })
      ok(await page.getByRole('button', { name: 'Stop hosting phone:demo' }).isVisible())
      await check('sites')
    }),
  )

  it(
    'identity, and its error for a weak passphrase',
    bounded(60_000, async () => {
      await goTo(page, 'Identity')
      await page.locator('[data-fingerprint]').waitFor({ timeout: VIEW_MS })
      await check('identity')
      await page.getByLabel('Export passphrase', { exact: true }).fill('short')
      await page.getByLabel('Repeat export passphrase', { exact: true }).fill('short')
      await page.getByRole('button', { name: 'Export key' }).click()
      await page.getByRole('alert').getByText('That passphrase is too weak').waitFor()
      await check('identity-error')
    }),
  )

  it(
    'settings',
    bounded(60_000, async () => {
      await goTo(page, 'Settings')
      await page.getByText('Sites you visited', { exact: true }).waitFor({ timeout: VIEW_MS })
      await check('settings')
    }),
  )

  it(
    'an error state: a name nobody published',
    bounded(90_000, async () => {
      await visit(page, 'an://nobody-here:void')
      await siteFrame(page)
        .getByText('Nobody has published this name')
        .waitFor({ timeout: VIEW_MS })
      await page.getByRole('link', { name: 'Publish this name' }).waitFor({ timeout: VIEW_MS })
      await check('viewer-error')
      // A name in another script is shown as written, never in its Punycode form.
      await visit(page, 'an://café:blog')
      await siteFrame(page).getByText('an://café:blog/').waitFor({ timeout: VIEW_MS })
      equal(
        await page.getByRole('textbox', { name: 'Address', exact: true }).inputValue(),
        'an://café:blog/',
      )
      equal(await page.locator('iframe.frame').getAttribute('title'), 'Site café:blog')
    }),
  )

  it(
    'the viewer with the keyboard alone: visible focus, the address bar early in the order, Enter opens the site, no trap',
    bounded(90_000, async () => {
      await page.goto('about:blank')
      await page.goto(`${relay.appOrigin}/#/view`)
      await page.locator('an-app[data-phase="running"]').waitFor({ timeout: VIEW_MS })
      const seen: string[] = []
      let reached = false
      for (let i = 0; i < MAX_TABS_TO_ADDRESS && !reached; i++) {
        await page.keyboard.press('Tab')
        const now = await focused(page)
        ok(now !== undefined, 'Tab moves the focus to something')
        ok(now.ringVisible, `a focus ring is drawn on ${now.tag}#${now.id} "${now.label}"`)
        ok(now.label !== '', `every control reached has a name: ${now.tag}#${now.id}`)
        seen.push(now.label)
        reached = now.id === 'address'
      }
      ok(
        reached,
        `the address bar is reached within ${MAX_TABS_TO_ADDRESS} Tabs: ${seen.join(' → ')}`,
      )
      equal(seen[0], 'Skip to content', `the first stop is the skip link: ${seen.join(' → ')}`)
      equal(seen[1], 'Alternet', `then the app name: ${seen.join(' → ')}`)
      await page.keyboard.type('phone:demo')
      await page.keyboard.press('Enter')
      await siteFrame(page)
        .locator('h1', { hasText: 'Written on a phone' })
        .waitFor({ timeout: VIEW_MS })
      // Tab on: through the rest of the app and the site, and around again to the start.
      let cycled = false
      for (let i = 0; i < 40 && !cycled; i++) {
        await page.keyboard.press('Tab')
        cycled = (await focused(page))?.label === 'Alternet'
      }
      ok(cycled, 'Tab leaves the site frame and comes back around: no trap')
      equal(errors.length, 0, `no page errors: ${errors.join('; ')}`)
    }),
  )

  it(
    'the screens behind one menu button: it opens over the page, with the keyboard, and folds again',
    bounded(90_000, async () => {
      await goTo(page, 'Browse')
      const nav = page.getByRole('navigation', { name: 'Main' })
      const menu = nav.getByRole('button', { name: 'Menu: Browse' })
      const publishLink = nav.getByRole('link', { name: 'Publish', exact: true })
      const bar = page.locator('an-browser-frame form')
      equal(await menu.getAttribute('aria-expanded'), 'false')
      equal(await publishLink.isVisible(), false, 'folded, the links take no room')
      const barBefore = await bar.boundingBox()
      await menu.focus()
      await page.keyboard.press('Enter')
      equal(await menu.getAttribute('aria-expanded'), 'true')
      await publishLink.waitFor()
      const barOpen = await bar.boundingBox()
      equal(barOpen?.y, barBefore?.y, 'the open menu covers the page instead of moving it')
      await check('menu-open', false)
      await page.keyboard.press('Escape')
      equal(await menu.getAttribute('aria-expanded'), 'false', 'Escape folds the menu')
      equal(
        (await focused(page))?.label,
        '☰Menu: Browse',
        'the focus goes back to the menu button',
      )
      // Enter, then Tab to a screen's link and Enter: that screen shows and the menu folds.
      await page.keyboard.press('Enter')
      await page.keyboard.press('Tab')
      await page.keyboard.press('Tab')
      equal((await focused(page))?.label, 'Publish')
      await page.keyboard.press('Enter')
      await page.getByRole('button', { name: 'Write a page instead' }).waitFor({ timeout: VIEW_MS })
      const folded = nav.getByRole('button', { name: 'Menu: Publish' })
      equal(await folded.getAttribute('aria-expanded'), 'false', 'the menu folds on the way')
      // A press outside folds it too.
      await folded.click()
      await publishLink.waitFor()
      await page.mouse.click(200, 600)
      equal(await folded.getAttribute('aria-expanded'), 'false', 'a press outside folds the menu')
    }),
  )
})
