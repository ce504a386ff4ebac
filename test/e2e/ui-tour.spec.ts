/**
 * Every screen as a person meets it, at 1280×800 and 390×844, light and dark: in Chromium each
 * state is scanned by axe-core (no serious or critical finding) and nothing scrolls sideways;
 * in Firefox each state is checked for sideways scroll. Every state is saved as
 * test-results/screens/tour-<browser>-<size>-<scheme>-<state>.png for a person to look at.
 */
import type { Page as FirefoxPage } from 'puppeteer-core'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  goTo,
  openApp,
  openSite,
  publishWrittenPage,
  SCREENS_DIR,
  screenshot,
  scrollsSideways,
  seriousViolations,
  showNameDetails,
  siteFrame,
  visit,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'
import {
  frameOf,
  launchFirefox,
  newFirefoxPerson,
  openAppIn,
  waitForText,
} from './ui-support/firefox.ts'

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const
const SCHEMES = ['light', 'dark'] as const
const SITE = 'tour:site'
const HEADING = 'A site on the tour'
/** Firefox's own setting for what pages see as `prefers-color-scheme`: 0 is dark, 1 light. */
const FIREFOX_SCHEME = { dark: 0, light: 1 } as const

describe('the tour of every screen, light and dark, desktop and phone', () => {
  let session: AppSession
  let relay: AppRelay

  before(async () => {
    session = await startAppSession()
    relay = session.relay
    // The owner publishes a page and keeps the tab open: every visitor's copy comes from it.
    const context = await session.context('light', { viewport: SIZES.desktop })
    const owner = await context.newPage()
    await openApp(owner, relay.appOrigin, '#/publish')
    const [name, topic] = SITE.split(':') as [string, string]
    await publishWrittenPage(
      owner,
      name,
      topic,
      `<!doctype html><html lang="en"><title>Tour</title><h1>${HEADING}</h1><p>Words to read.</p></html>`,
    )
  })

  after(() => session?.close())

  for (const [size, viewport] of Object.entries(SIZES))
    for (const scheme of SCHEMES)
      it(
        `Chromium, ${size}, ${scheme}`,
        bounded(300_000, async () => {
          const context = await session.context(scheme, { viewport })
          const page = await context.newPage()
          const found: string[] = []
          const look = async (state: string, fullPage = true): Promise<void> => {
            for (const v of await seriousViolations(page))
              found.push(`${state}: ${v.id} ${v.targets}`)
            equal(await scrollsSideways(page), false, `${state}: the page scrolls sideways`)
            await screenshot(page, `tour-chromium-${size}-${scheme}-${state}`, fullPage)
          }
          await openApp(page, relay.appOrigin)
          await page.getByRole('heading', { name: 'Open a site' }).waitFor()
          await look('browse')
          await openSite(page, `an://${SITE}`, HEADING)
          await look('site', false)
          // "About this name" closed is one line: no blank band between it and the site.
          const [about, site] = await Promise.all(
            ['details.about > summary', 'iframe.frame'].map((s) => page.locator(s).boundingBox()),
          )
          ok(about !== null && site !== null, 'About this name and the site are shown')
          const band =
            size === 'desktop' ? site.y - about.y - about.height : about.y - site.y - site.height
          ok(
            band <= 9 && about.height <= 37,
            `About this name is ${about.height} px tall, ${band} px from the site`,
          )
          // "1/1 relay · reachable" reads as one line, the dot a word space from each side.
          const words = page.locator(
            'an-network-status summary > span:not(.dot):not(.visually-hidden)',
          )
          const [relays, reach] = [
            await words.nth(0).boundingBox(),
            await words.nth(1).boundingBox(),
          ]
          ok(relays !== null && reach !== null, 'the status says relays and reachability')
          const space = reach.x - relays.x - relays.width
          ok(space <= 7, `${space} px between "${await words.nth(0).textContent()}" and "·"`)
          if (size === 'phone') {
            await siteFrame(page).locator('p').click()
            await waitUntil('the header folded', () =>
              page.evaluate(
                () =>
                  document
                    .querySelector('an-app')!
                    .shadowRoot!.querySelector('header')!
                    .getBoundingClientRect().bottom <= 0,
              ),
            )
            await look('site-folded', false)
            await page.getByRole('button', { name: 'Show the menu' }).click()
            await page.getByRole('navigation', { name: 'Main' }).getByRole('button').click()
            await page.getByRole('link', { name: 'Publish', exact: true }).waitFor()
            await look('menu-open', false)
            await page.keyboard.press('Escape')
          }
          await showNameDetails(page)
          await page.locator('an-name-details').getByText('Owner key').waitFor({ timeout: VIEW_MS })
          // A sentence starts with a capital.
          await page
            .locator('an-name-details')
            .getByText(/Every file is checked/)
            .waitFor()
          await look('site-details')
          await page.locator('an-network-status summary').click()
          await page.locator('an-network-status .panel').waitFor()
          await look('network-panel', false)
          await page.keyboard.press('Escape')
          await visit(page, 'an://nobody-here:void')
          await page.getByRole('link', { name: 'Publish this name' }).waitFor({ timeout: VIEW_MS })
          await look('not-found', false)
          await visit(page, 'an://bad name:x')
          await page.getByRole('alert').first().waitFor()
          await look('malformed', false)
          for (const [screen, tag] of [
            ['Publish', 'publish'],
            ['My sites', 'sites'],
            ['Identity', 'identity'],
            ['Settings', 'settings'],
          ] as const) {
            await goTo(page, screen)
            await page.locator(`an-${tag}-page h2`).first().waitFor()
            await look(tag)
          }
          // A second tab: the node runs in the first, the header says so in one row.
          const second = await context.newPage()
          await second.goto(`${relay.appOrigin}/#/view`)
          await waitForPhase(second, 'elsewhere')
          for (const v of await seriousViolations(second))
            found.push(`elsewhere: ${v.id} ${v.targets}`)
          await screenshot(second, `tour-chromium-${size}-${scheme}-elsewhere`, false)
          await second.close()
          equal(found.length, 0, `axe: ${found.join('\n')}`)
        }),
      )

  for (const scheme of SCHEMES)
    it(
      `Firefox, desktop and phone, ${scheme}`,
      bounded(300_000, async () => {
        const firefox = await launchFirefox({
          'layout.css.prefers-color-scheme.content-override': FIREFOX_SCHEME[scheme],
        })
        try {
          await mkdir(SCREENS_DIR, { recursive: true })
          for (const [size, viewport] of Object.entries(SIZES)) {
            const { page, errors, close } = await newFirefoxPerson(firefox)
            const look = async (state: string): Promise<void> => {
              const sideways = await page.evaluate(
                () => document.documentElement.scrollWidth > innerWidth + 1,
              )
              equal(sideways, false, `${state}: the page scrolls sideways`)
              const path = join(SCREENS_DIR, `tour-firefox-${size}-${scheme}-${state}.png`)
              await page.screenshot({ path })
            }
            try {
              await page.setViewport(viewport)
              await openAppIn(page, relay.appOrigin, '#/view')
              await waitForText(page, 'Open a site')
              await look('browse')
              await openAppIn(page, relay.appOrigin, `#/view/an://${SITE}`)
              await frameOf(page, relay.siteOrigin(SITE), 'h1', VIEW_MS)
              await look('site')
              await openAppIn(page, relay.appOrigin, '#/view/an://nobody-here:void')
              await frameOf(page, relay.siteOrigin('nobody-here:void'), 'html[data-an-failure]')
              await look('not-found')
              for (const screen of ['publish', 'sites', 'identity', 'settings']) {
                await page.evaluate((hash) => (location.hash = hash), `#/${screen}`)
                await page.waitForSelector(`an-app >>> an-${screen}-page`)
                await page.waitForSelector(`an-app >>> an-${screen}-page >>> h2`)
                await look(screen)
              }
              const second = await page.browserContext().newPage()
              await second.setViewport(viewport)
              await openAppIn(second, relay.appOrigin, '#/view', 'elsewhere')
              await (second as FirefoxPage).screenshot({
                path: join(SCREENS_DIR, `tour-firefox-${size}-${scheme}-elsewhere.png`),
              })
              await second.close()
              ok(errors.length === 0, `no page errors: ${errors.join('; ')}`)
            } finally {
              await close()
            }
          }
        } finally {
          await firefox.close()
        }
      }),
    )
})
