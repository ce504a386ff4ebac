/**
 * On a phone the app's header folds away while a site is read, as mobile browsers fold their
 * toolbars, and comes back on a scroll up, on the handle in the address bar, and with the keyboard:
 * in Chromium (Playwright) and Firefox (puppeteer-core), light and dark. Scrolling inside the site
 * (its frame is another origin: its bridge reports the direction) folds and unfolds it too, and
 * the network going brings it back with the news. A site that scrolls itself (a jump to a section
 * on load, its own `scrollTo`, a `#section` navigation) folds nothing: only the person's scrolling
 * does.
 * Screenshots of the folded header go to test-results/screens/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Browser as Firefox, ElementHandle } from 'puppeteer-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  focused,
  openApp,
  openSite,
  publishWrittenPage,
  screenshot,
  SCREENS_DIR,
  seriousViolations,
  siteFrame,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'
import { frameOf, launchFirefox, newFirefoxPerson, openAppIn } from './ui-support/firefox.ts'
import { join } from 'node:path'

/** A phone held upright. */
const PHONE = { width: 390, height: 844 }
const SITE = 'fold:read'
const HEADING = 'A page to read on a phone'
/** Firefox's own setting for what pages see as `prefers-color-scheme`: 0 is dark. */
const DARK = { 'layout.css.prefers-color-scheme.content-override': 0 }

/** Where the header, the address bar, the site and "About this name" are on the screen. */
function layout(): Record<'header' | 'bar' | 'site' | 'about', { top: number; bottom: number }> {
  const app = document.querySelector('an-app')!.shadowRoot!
  const viewer = app.querySelector('an-browser-frame')!.shadowRoot!
  const box = (element: Element | null) => {
    const rect = element!.getBoundingClientRect()
    return { top: rect.top, bottom: rect.bottom }
  }
  return {
    header: box(app.querySelector('header')),
    bar: box(viewer.querySelector('form')),
    site: box(viewer.querySelector('iframe.frame')),
    about: box(viewer.querySelector('details.about > summary')),
  }
}

/** A page longer than the site's frame: it scrolls inside. */
const PAGE = `<!doctype html><html lang="en"><title>Read</title><h1>${HEADING}</h1><p>Some words.</p><div style="height: 4000px"></div><div id="end">The end.</div></html>`

/** A page that scrolls itself: to its section on load, and when its script says so. */
const JUMPER = 'fold:jump'
const JUMPER_PAGE = `<!doctype html><html lang="en"><title>Jump</title><h1>A page that jumps</h1><div style="height: 3000px"></div><h2 id="section">The section</h2><div style="height: 3000px"></div><script>addEventListener('load', () => { location.hash = '#section' })</script></html>`

/** Keeps, in the app's page, the site's scroll reports in order and how far the page scrolled. */
function recordReports(): void {
  const record = window as unknown as { reports: string[]; highest: number }
  record.reports = []
  record.highest = 0
  addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown; direction?: unknown } | null
    if (data?.type === 'an-scrolled') record.reports.push(String(data.direction))
  })
  addEventListener('scroll', () => (record.highest = Math.max(record.highest, scrollY)))
}

/** The site's scroll reports the app heard, and the furthest its page scrolled. */
function reports(): { reports: string[]; highest: number } {
  const { reports, highest } = window as unknown as { reports: string[]; highest: number }
  return { reports: [...reports], highest }
}

/** The site's own script scrolls it, down then up (run in the site's frame), with no input. */
function scrollItself(step: number): void {
  if (step === 0) scrollTo(0, 5000)
  else location.hash = step === 1 ? '#' : '#section'
}

/** The site sits at its section, away from its top. */
function atSection(): boolean {
  return document.readyState === 'complete' && document.scrollingElement!.scrollTop > 1000
}

/**
 * Nothing was reported for the site's own scrolling: the first report is the person's scroll up
 * (reports from one frame arrive in order), and the app's page never moved off its header.
 */
function onlyThePerson(heard: { reports: string[]; highest: number }): void {
  equal(heard.reports[0], 'up', `the first report is the person's: ${heard.reports.join(', ')}`)
  equal(heard.highest, 0, 'the header never folded while the site scrolled itself')
}

/** How far the site's own page is scrolled (run in the site's frame). */
function siteScrolled(): number {
  return document.scrollingElement!.scrollTop
}

/** The screen shows the whole header, from the top. */
function headerShown(): boolean {
  const header = document.querySelector('an-app')!.shadowRoot!.querySelector('header')!
  return scrollY === 0 && header.getBoundingClientRect().top === 0
}

/** The header is wholly out of view, and the handle to bring it back is in the address bar. */
function headerFolded(): boolean {
  const app = document.querySelector('an-app')!.shadowRoot!
  const handle = app.querySelector('an-browser-frame')!.shadowRoot!.querySelector('.handle')
  return app.querySelector('header')!.getBoundingClientRect().bottom <= 0 && handle !== null
}

/**
 * Folded, the address bar is at the top of the screen, "About this name" at the bottom and the
 * site fills the room between them: the header's room went to the site.
 */
function fillsTheScreen(at: ReturnType<typeof layout>): void {
  const { header, bar, site, about } = at
  ok(header.bottom <= 0, `the header out of view: ${header.bottom}`)
  ok(bar.top >= 0 && bar.top <= 12, `the bar at the top: ${bar.top}`)
  ok(site.top - bar.bottom <= 12, `the site right under the bar: ${bar.bottom} → ${site.top}`)
  ok(about.top - site.bottom <= 12, `About right under the site: ${site.bottom} → ${about.top}`)
  ok(
    about.bottom <= PHONE.height && about.bottom >= PHONE.height - 12,
    `About this name at the bottom of the screen: ${about.bottom}`,
  )
}

describe('on a phone the header folds away while a site is read', () => {
  let appDir = ''
  let relay: AppRelay
  let browser: Browser
  let firefox: Firefox | undefined
  const contexts: BrowserContext[] = []

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    browser = await launchChromium()
  })

  after(async () => {
    await firefox?.close()
    for (const context of contexts) await context.close()
    await browser?.close()
    await relay?.stop()
    await removeBuild(appDir)
  })

  async function person(colorScheme: 'light' | 'dark', hash = '#/view'): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, colorScheme })
    contexts.push(context)
    const page = await context.newPage()
    await openApp(page, relay.appOrigin, hash)
    return page
  }

  it(
    'Chromium: a tap in the site folds the header; a scroll up, the handle and the keyboard bring it back',
    bounded(240_000, async () => {
      // The owner publishes a page and keeps the tab open: the page comes from them.
      const owner = await person('light', '#/publish')
      const [name, topic] = SITE.split(':') as [string, string]
      await publishWrittenPage(owner, name, topic, PAGE)

      for (const scheme of ['light', 'dark'] as const) {
        const page = scheme === 'light' ? owner : await person(scheme)
        await openSite(page, `an://${SITE}`, HEADING)
        await waitUntil('the header shown as the site opens', () => page.evaluate(headerShown))
        const open = await page.evaluate(layout)
        equal(await page.locator('.handle').count(), 0, 'no handle while the header shows')

        // The person turns to the site: the header folds, the site takes its room.
        await siteFrame(page).locator('p').click()
        await waitUntil('the header folded', () => page.evaluate(headerFolded), VIEW_MS)
        const folded = await page.evaluate(layout)
        fillsTheScreen(folded)
        ok(
          folded.site.top < open.site.top,
          `the site moved up: ${open.site.top} → ${folded.site.top}`,
        )
        // Out of view, not out of the page: the menu is still there for assistive technology.
        equal(await page.getByRole('button', { name: 'Menu: Browse' }).count(), 1)
        const handle = page.getByRole('button', { name: 'Show the menu' })
        ok(await handle.isVisible(), 'the handle is in the address bar')
        equal((await seriousViolations(page)).length, 0, 'axe: nothing serious while folded')
        await screenshot(page, `header-folded-${scheme}-phone`, false)

        // A scroll up that the site has no room for passes on to the page: the header is back.
        const site = await page.locator('iframe.frame').boundingBox()
        await page.mouse.move(site!.x + site!.width / 2, site!.y + site!.height / 2)
        await page.mouse.wheel(0, -400)
        await waitUntil('the header back on a scroll up', () => page.evaluate(headerShown), VIEW_MS)

        // The handle brings it back, the focus on the menu button.
        await siteFrame(page).locator('p').click()
        await waitUntil('folded again', () => page.evaluate(headerFolded), VIEW_MS)
        await handle.click()
        await waitUntil(
          'the header back from the handle',
          () => page.evaluate(headerShown),
          VIEW_MS,
        )
        equal((await focused(page))?.label, '☰Menu: Browse', 'the focus on the menu button')

        // The keyboard: back from the site to the address bar, then on to the header.
        await siteFrame(page).locator('p').click()
        await waitUntil('folded once more', () => page.evaluate(headerFolded), VIEW_MS)
        // Back and Forward have nowhere to go yet: from Reload, the handle is the next stop back.
        await page.getByRole('button', { name: 'Reload' }).focus()
        await page.keyboard.press('Shift+Tab')
        const stop = (await focused(page))?.label
        equal(stop, 'Show the menu', `the handle comes before the arrows, not ${stop}`)
        await page.keyboard.press('Shift+Tab')
        await waitUntil('the header back for the keyboard', () => page.evaluate(headerShown))
      }
    }),
  )

  it(
    'Chromium: scrolling inside the site folds the header and scrolling up brings it back; so does the network going',
    bounded(180_000, async () => {
      const page = await person('light')
      await openSite(page, `an://${SITE}`, HEADING)
      await waitUntil('the header shown as the site opens', () => page.evaluate(headerShown))
      // A wheel (or a finger) over the site, no tap: only the site's own page scrolls.
      const box = (await page.locator('iframe.frame').boundingBox())!
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      await page.mouse.wheel(0, 600)
      await waitUntil('the header folded by a scroll in the site', () =>
        page.evaluate(headerFolded),
      )
      fillsTheScreen(await page.evaluate(layout))
      ok((await focused(page))?.tag !== 'iframe', 'no tap: the focus is not in the site')
      // Up inside the site, which has room to go up: the header comes back, the site stays put.
      await page.mouse.wheel(0, -200)
      await waitUntil('the header back on a scroll up in the site', () =>
        page.evaluate(headerShown),
      )
      const at = await page.frameLocator('iframe.frame').locator(':root').evaluate(siteScrolled)
      ok(at > 0, `the site itself scrolled up, not past its top: ${at}`)

      // Folded, then the network goes: the header comes back to say so.
      await page.mouse.wheel(0, 600)
      await waitUntil('folded again', () => page.evaluate(headerFolded))
      await page.context().setOffline(true)
      try {
        await waitUntil('the header back when the network goes', () => page.evaluate(headerShown))
        const offline = page.getByText('You’re offline', { exact: true })
        await offline.waitFor({ timeout: VIEW_MS })
        const where = (await offline.boundingBox())!
        ok(where.y >= 0 && where.y + where.height <= PHONE.height, `"You're offline" in view`)
        equal(await page.locator('.handle').count(), 0, 'no handle: the header cannot fold')
      } finally {
        await page.context().setOffline(false)
      }
    }),
  )

  it(
    'Chromium: a site that scrolls itself leaves the header; a wheel in it still folds it',
    bounded(240_000, async () => {
      const page = await person('dark', '#/publish')
      const [name, topic] = JUMPER.split(':') as [string, string]
      await publishWrittenPage(page, name, topic, JUMPER_PAGE)
      await page.evaluate(recordReports)

      await visit(page, `an://${JUMPER}`)
      await siteFrame(page).locator('h2').waitFor({ timeout: VIEW_MS })
      const site = (await (await page.locator('iframe.frame').elementHandle())!.contentFrame())!
      // It jumped to its section as it loaded, then its script scrolls it down, up and back.
      await waitUntil('the site at its section', () => site.evaluate(atSection), VIEW_MS)
      for (const step of [0, 1, 2]) await site.evaluate(scrollItself, step)
      await waitUntil('the site back at its section', () => site.evaluate(atSection), VIEW_MS)
      ok(await page.evaluate(headerShown), 'the header stays while the site scrolls itself')

      // The person scrolls up in it, then down: theirs is the first report; down folds.
      const box = (await page.locator('iframe.frame').boundingBox())!
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      await page.mouse.wheel(0, -200)
      await waitUntil('the person’s scroll up reported', async () => {
        return (await page.evaluate(reports)).reports.includes('up')
      })
      onlyThePerson(await page.evaluate(reports))
      ok(await page.evaluate(headerShown), 'the header shown')
      await page.mouse.wheel(0, 600)
      await waitUntil('the header folded by the person’s scroll', () => page.evaluate(headerFolded))
    }),
  )

  it(
    'Firefox: a site that scrolls itself leaves the header; a wheel in it still folds it',
    bounded(180_000, async () => {
      await firefox?.close()
      firefox = await launchFirefox()
      const { page, errors, close } = await newFirefoxPerson(firefox)
      try {
        await page.setViewport(PHONE)
        await openAppIn(page, relay.appOrigin, `#/view/an://${JUMPER}`)
        const frame = await frameOf(page, relay.siteOrigin(JUMPER), 'h2', VIEW_MS)
        await frame.waitForFunction(atSection, { timeout: VIEW_MS })
        await page.evaluate(recordReports)
        for (const step of [0, 1, 2]) await frame.evaluate(scrollItself, step)
        await frame.waitForFunction(atSection, { timeout: VIEW_MS })
        ok(await page.evaluate(headerShown), 'the header stays while the site scrolls itself')

        const box = (await (await page.$(
          'an-app >>> an-browser-frame >>> iframe.frame',
        ))!.boundingBox())!
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
        await page.mouse.wheel({ deltaY: -200 })
        await page.waitForFunction(
          () => (window as unknown as { reports: string[] }).reports.includes('up'),
          { timeout: VIEW_MS },
        )
        onlyThePerson(await page.evaluate(reports))
        ok(await page.evaluate(headerShown), 'the header shown')
        await page.mouse.wheel({ deltaY: 600 })
        await page.waitForFunction(headerFolded, { timeout: VIEW_MS })
        equal(errors.length, 0, `no page errors: ${errors.join('; ')}`)
      } finally {
        await close()
      }
    }),
  )

  it(
    'Firefox: a scroll or a click in the site folds the header; a scroll up, the handle and the keyboard bring it back',
    bounded(180_000, async () => {
      for (const scheme of ['light', 'dark'] as const) {
        await firefox?.close()
        firefox = await launchFirefox(scheme === 'dark' ? DARK : {})
        const { page, errors, close } = await newFirefoxPerson(firefox)
        try {
          await page.setViewport(PHONE)
          await openAppIn(page, relay.appOrigin, `#/view/an://${SITE}`)
          const frame = await frameOf(page, relay.siteOrigin(SITE), 'p', VIEW_MS)
          await page.waitForFunction(headerShown, { timeout: VIEW_MS })
          const open = await page.evaluate(layout)
          // A wheel over the site, no click: the site's own scroll folds the header, and back up.
          const box = (await (await page.$(
            'an-app >>> an-browser-frame >>> iframe.frame',
          ))!.boundingBox())!
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
          await page.mouse.wheel({ deltaY: 600 })
          await page.waitForFunction(headerFolded, { timeout: VIEW_MS })
          await page.mouse.wheel({ deltaY: -200 })
          await page.waitForFunction(headerShown, { timeout: VIEW_MS })
          ok((await frame.evaluate(siteScrolled)) > 0, 'the site itself scrolled up')
          await frame.evaluate(() => scrollTo(0, 0))
          await (await frame.waitForSelector('p'))!.click()
          await page.waitForFunction(headerFolded, { timeout: VIEW_MS })
          const folded = await page.evaluate(layout)
          fillsTheScreen(folded)
          ok(
            folded.site.top < open.site.top,
            `the site moved up: ${open.site.top} → ${folded.site.top}`,
          )
          await page.screenshot({
            path: join(SCREENS_DIR, `firefox-header-folded-${scheme}-phone.png`),
          })
          const handle = (await page.waitForSelector(
            'an-app >>> an-browser-frame >>> .handle',
          )) as ElementHandle<Element>
          await handle.click()
          await page.waitForFunction(headerShown, { timeout: VIEW_MS })
          // Folded again, the keyboard reaches the header and brings it back.
          await (await frame.waitForSelector('p'))!.click()
          await page.waitForFunction(headerFolded, { timeout: VIEW_MS })
          await page.$eval('an-app >>> an-browser-frame >>> .handle', (b) =>
            (b as HTMLElement).focus(),
          )
          await page.keyboard.down('Shift')
          await page.keyboard.press('Tab')
          await page.keyboard.up('Shift')
          await page.waitForFunction(headerShown, { timeout: VIEW_MS })
          equal(errors.length, 0, `no page errors: ${errors.join('; ')}`)
        } finally {
          await close()
        }
      }
    }),
  )
})
