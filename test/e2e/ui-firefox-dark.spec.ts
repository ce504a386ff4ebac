/**
 * Firefox in dark mode (Debian's firefox-esr through puppeteer-core): the site frame's failure
 * page for a name nobody published is readable, its heading, message and address each at a
 * contrast of at least 4.5:1 against what is behind them, on a phone and on a desktop; a malformed
 * address empties the frame, and leaving Browse takes it out of the address bar; a relay
 * that cannot be reached is said in plain words, with no error class name, and not kept (one that
 * connects is kept and can be removed); a page
 * written in the editor and published on a phone shows its result in view, with the focus, and
 * Update brings the written page back; the site it opens starts right under the address bar.
 */
import type { Browser, ElementHandle, Frame } from 'puppeteer-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { bounded } from './support/site-frame.ts'
import { contrastRatio, parseColour } from './ui-support/contrast.ts'
import {
  clickButton,
  fill,
  frameOf,
  launchFirefox,
  newFirefoxPerson,
  openAppIn,
  waitForText,
} from './ui-support/firefox.ts'

/** WCAG AA for body text. */
const MIN_CONTRAST = 4.5
/** Firefox's own setting for what pages see as `prefers-color-scheme`: 0 is dark. */
const DARK = { 'layout.css.prefers-color-scheme.content-override': 0 }
const SITE = 'nobody-here:void'
/** A port nothing listens on. */
const DEAD_RELAY = 'http://127.0.0.1:9'
const RELAYS_KEY = 'alternet.relays'
/** An error class name: never in words a person reads. */
const CLASS_NAME = /[A-Z][a-zA-Z]+Error\b/
const PHONE = { width: 390, height: 844 }
const WRITTEN = 'Written in Firefox on a phone'

/** The text colour of an element and the first background behind it that is not transparent. */
function coloursIn(element: Element): { ink: string; back: string | undefined } {
  const ink = getComputedStyle(element).color
  for (let node: Element | null = element; node !== null; node = node.parentElement) {
    const back = getComputedStyle(node).backgroundColor
    if (!/rgba\([^)]*,\s*0\)$/.test(back) && back !== 'transparent') return { ink, back }
  }
  return { ink, back: undefined }
}

describe('Firefox in dark mode: failure pages, relays, publishing on a phone', () => {
  let appDir = ''
  let relay: AppRelay
  let second: AppRelay
  let firefox: Browser

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    second = await startAppRelay(appDir)
    firefox = await launchFirefox(DARK)
  })

  after(async () => {
    await firefox?.close()
    await relay?.stop()
    await second?.stop()
    await removeBuild(appDir)
  })

  for (const [size, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const)
    it(
      `a name nobody published (${size})`,
      bounded(120_000, async () => {
        const person = await newFirefoxPerson(firefox)
        try {
          await person.page.setViewport(viewport)
          await openAppIn(person.page, relay.appOrigin, `#/view/an://${SITE}`)
          const dark = await person.page.evaluate(
            () => matchMedia('(prefers-color-scheme: dark)').matches,
          )
          ok(dark, 'Firefox shows the app in dark mode')
          const frame: Frame = await frameOf(
            person.page,
            relay.siteOrigin(SITE),
            'html[data-an-failure]',
          )
          const holder = (await person.page.waitForSelector(
            'an-app >>> iframe.frame',
          )) as ElementHandle<Element>
          const behindFrame = (await holder.evaluate(coloursIn)).back ?? 'rgb(255, 255, 255)'
          for (const selector of ['h1', 'p[role="alert"]', 'code']) {
            const text = await frame.waitForSelector(selector)
            ok(text !== null, `the failure page has ${selector}`)
            const { ink, back } = await text.evaluate(coloursIn)
            const ratio = contrastRatio(parseColour(ink), parseColour(back ?? behindFrame))
            ok(
              ratio >= MIN_CONTRAST,
              `${selector}: ${ink} on ${back ?? behindFrame} is ${ratio.toFixed(2)} < ${MIN_CONTRAST}`,
            )
          }
          const said = await frame.evaluate(() => document.body.innerText)
          ok(!CLASS_NAME.test(said) && !/\b404\b/.test(said), `plain words only: ${said}`)
          equal(person.errors.length, 0, `no page errors: ${person.errors.join('; ')}`)
        } finally {
          await person.close()
        }
      }),
    )

  it(
    'a malformed address takes the last site out of the frame; leaving Browse leaves no address behind (phone)',
    bounded(120_000, async () => {
      const person = await newFirefoxPerson(firefox)
      const { page } = person
      const bar = () =>
        page.$eval('an-app >>> #address', (input) => (input as HTMLInputElement).value)
      try {
        await page.setViewport(PHONE)
        await openAppIn(page, relay.appOrigin, `#/view/an://${SITE}`)
        await frameOf(page, relay.siteOrigin(SITE), 'html[data-an-failure]')
        await fill(page, '#address', 'an://bad name:x')
        await clickButton(page, 'Go')
        await waitForText(page, 'a space')
        const frame = await page.waitForSelector('an-app >>> iframe.frame')
        equal(
          await frame!.evaluate((f) => f.getAttribute('src')),
          null, // a new, empty frame in place of the site's
          'no site underneath',
        )
        ok(!(await frame!.isVisible()), 'the frame is not shown')
        equal(await bar(), 'an://bad name:x', 'the bar keeps what to correct')
        await page.evaluate(() => (location.hash = '#/publish'))
        await page.waitForSelector('an-app >>> an-publish-page')
        await page.evaluate(() => (location.hash = '#/view'))
        await waitForText(page, 'Open a site')
        equal(await bar(), '', 'the bar holds no address that is not shown')
        equal((await page.$$('an-app >>> an-browser-frame >>> [role="alert"]')).length, 0)
        equal(person.errors.length, 0, `no page errors: ${person.errors.join('; ')}`)
      } finally {
        await person.close()
      }
    }),
  )

  it(
    'a written page published on a phone: the result in view and focused; Update brings the page back',
    bounded(180_000, async () => {
      const person = await newFirefoxPerson(firefox)
      try {
        await person.page.setViewport(PHONE)
        await openAppIn(person.page, relay.appOrigin, '#/publish')
        await clickButton(person.page, 'Write a page instead')
        await fill(
          person.page,
          '#page',
          `<!doctype html><html lang="en"><title>Up</title><h1>${WRITTEN}</h1></html>`,
        )
        await fill(person.page, '#name', 'firefox-phone')
        await fill(person.page, '#topic', 'update')
        await waitForText(person.page, 'firefox-phone:update is free.')
        await clickButton(person.page, 'Publish')
        const done = (await person.page.waitForSelector('an-app >>> #done', {
          timeout: 90_000,
        })) as ElementHandle<Element>
        await person.page.waitForFunction(
          (heading, height) => {
            const box = heading.getBoundingClientRect()
            // In the upper half of the screen, so Open, Copy link and the QR code follow in view.
            return box.top >= 0 && box.bottom <= height / 2
          },
          { timeout: 30_000 },
          done,
          PHONE.height,
        )
        ok(
          await done.evaluate((heading) => heading.matches(':focus')),
          'the result heading has the focus',
        )

        // The site it opens: right under the one-row header and the address bar, "About this name" after it.
        await person.page.evaluate(() => {
          location.hash = '#/view/an://firefox-phone:update'
        })
        await frameOf(person.page, relay.siteOrigin('firefox-phone:update'), 'h1', 60_000)
        const [bar, site, about] = await Promise.all(
          [
            'an-app >>> an-browser-frame >>> form',
            'an-app >>> iframe.frame',
            'an-app >>> details.about',
          ].map(async (selector) =>
            (await person.page.waitForSelector(selector))!.evaluate((element) => {
              const box = element.getBoundingClientRect()
              return { top: box.top, bottom: box.bottom }
            }),
          ),
        )
        ok(
          site.top - bar.bottom <= 12,
          `room between the address bar and the site: ${site.top - bar.bottom} px`,
        )
        ok(about.top >= site.bottom, 'About this name comes after the site')
        // One header row above the address bar; the site fills the screen down to About this name.
        ok(bar.top <= 60, `the address bar starts ${bar.top} px from the top`)
        ok(
          site.bottom >= PHONE.height - 64,
          `the site ends ${PHONE.height - site.bottom} px above the bottom`,
        )

        // My sites, where its navigation link goes.
        await person.page.evaluate(() => {
          location.hash = '#/sites'
        })
        // Polled on a timer: headless Firefox may paint no frame here to poll on.
        await person.page.waitForFunction(
          () =>
            document
              .querySelector('an-app')
              ?.shadowRoot?.querySelector('an-sites-page')
              ?.shadowRoot?.querySelector('a[aria-label="Update firefox-phone:update"]') != null,
          { polling: 250, timeout: 45_000 },
        )
        const link = (await person.page.waitForSelector(
          'an-app >>> a[aria-label="Update firefox-phone:update"]',
        )) as ElementHandle<HTMLAnchorElement>
        await link.click()
        await waitForText(person.page, 'Update firefox-phone:update')
        const editor = (await person.page.waitForSelector('an-app >>> #page', {
          timeout: 45_000,
        })) as ElementHandle<HTMLTextAreaElement>
        await person.page.waitForFunction(
          (area, text) => area.value.includes(text),
          { timeout: 45_000 },
          editor,
          WRITTEN,
        )
        equal(person.errors.length, 0, `no page errors: ${person.errors.join('; ')}`)
      } finally {
        await person.close()
      }
    }),
  )

  it(
    'a relay that cannot be reached is said in plain words and not kept; one that connects can be removed (phone)',
    bounded(120_000, async () => {
      const person = await newFirefoxPerson(firefox)
      try {
        await person.page.setViewport({ width: 390, height: 844 })
        await openAppIn(person.page, relay.appOrigin, '#/settings')
        await fill(person.page, '#relay', DEAD_RELAY)
        await clickButton(person.page, 'Add relay')
        await waitForText(person.page, 'could not be reached')
        const alerts = await Promise.all(
          (await person.page.$$('an-app >>> [role="alert"]')).map((alert) =>
            alert.evaluate((element) => (element as HTMLElement).innerText),
          ),
        )
        const words = alerts.join(' ')
        ok(words.includes('could not be reached'), `the alert says so: ${words}`)
        ok(!CLASS_NAME.test(words), `no error class name: ${words}`)
        ok(!/Failed to fetch|NetworkError|well-known/.test(words), `no raw error: ${words}`)
        const kept = await person.page.evaluate(
          (key) => localStorage.getItem(key) ?? '[]',
          RELAYS_KEY,
        )
        ok(!kept.includes('127.0.0.1:9'), `the failing relay is not kept: ${kept}`)
        const listed = await person.page.$$('an-app >>> an-settings-page li')
        for (const item of listed)
          ok(
            !((await item.evaluate((li) => li.textContent)) ?? '').includes('127.0.0.1:9'),
            'the failing relay is not listed',
          )
        await waitForText(person.page, '1/1 relay')

        // One that connects is kept, and can be removed.
        const saved = () =>
          person.page.evaluate((key) => localStorage.getItem(key) ?? '[]', RELAYS_KEY)
        await fill(person.page, '#relay', second.relay.http)
        await clickButton(person.page, 'Add relay')
        await waitForText(person.page, '2/2 relays')
        ok((await saved()).includes(second.relay.http), 'the connected relay is kept')
        const remove = await person.page.waitForSelector(
          `an-app >>> button[aria-label="Remove relay ${second.relay.http}"]`,
        )
        await remove!.click()
        await waitForText(person.page, '1/1 relay')
        ok(!(await saved()).includes(second.relay.http), 'the removed relay is forgotten')
      } finally {
        await person.close()
      }
    }),
  )
})
