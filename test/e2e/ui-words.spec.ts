/**
 * Plain words and feedback, against a real relay: no network jargon on any screen (peers,
 * reservations, content IDs, name servers, "republished", revokers, a "signed address", a record
 * "valid until"); dropped files listed with their
 * sizes, and the Files chooser no longer showing an earlier choice; a name held by another key
 * read as held while renewed; "Check for updates" and "Open web+an links" say what they did;
 * the Browse screen lists the sites opened lately.
 */
import type { Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  publish,
  readableText,
  screenshot,
  seriousViolations,
  showNameDetails,
  siteFrame,
  START_MS,
  visit,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'

/**
 * Words of the machinery that a person should not have to learn, and dates that read as if a
 * site ends then ("valid until" a record's expiry, which its owner or mirrors renew).
 */
const JARGON =
  /\b(peers?|reservations?|CIDs?|content IDs?|name servers?|republished|multiaddrs?|DHT|revokers?|signed address|valid until)\b/i

describe('plain words and feedback (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay

  before(async () => {
    session = await startAppSession()
    relay = session.relay
  })

  after(() => session?.close())

  async function device(scheme: 'light' | 'dark' = 'light'): Promise<Page> {
    return (await session.context(scheme)).newPage()
  }

  async function noJargon(page: Page, where: string): Promise<void> {
    const text = await readableText(page)
    const found = JARGON.exec(text)
    ok(
      found === null,
      `${where}: "${found?.[0]}" in …${text.slice(Math.max(0, (found?.index ?? 0) - 80), (found?.index ?? 0) + 40)}…`,
    )
  }

  it(
    'no screen speaks jargon; the publish result and the network panel neither',
    bounded(150_000, async () => {
      const page = await device()
      await openApp(page, relay.appOrigin, '#/publish')
      await noJargon(page, 'Publish')
      await chooseName(page, 'plain', 'words', 'free')
      await page.getByRole('button', { name: 'Write a page instead' }).click()
      await publish(page)
      await page.getByRole('heading', { name: 'Your site is live' }).waitFor()
      await noJargon(page, 'Publish result')
      for (const screen of ['My sites', 'Identity', 'Settings', 'Browse'] as const) {
        await goTo(page, screen)
        await noJargon(page, screen)
      }
      await page.locator('an-network-status summary').click()
      await page.locator('an-network-status .panel').getByText('network ID').waitFor()
      await noJargon(page, 'network panel')
      await page.keyboard.press('Escape')
      await visit(page, 'an://plain:words')
      await showNameDetails(page)
      await page.locator('an-name-details').getByText('Owner key').waitFor({ timeout: VIEW_MS })
      await noJargon(page, 'About this name')
      const about = await page.locator('an-name-details dl').first().innerText()
      ok(!/\b(bafy\w+|12D3Koo\w+)/.test(about), `About this name shows a content address: ${about}`)

      // Discover: the Browse screen lists the site just opened, one tap away.
      // The editor's first template (src/ui/editor/page-templates.ts).
      await siteFrame(page)
        .getByRole('heading', { name: 'Hello, I am Sam' })
        .waitFor({ timeout: VIEW_MS })
      await page.evaluate(() => (location.hash = '#/view'))
      // The app asks before a reload takes a site only this tab hosts offline: yes, reload.
      page.once('dialog', (dialog) => void dialog.accept())
      await page.reload()
      await waitForPhase(page, 'running')
      const recent = page.getByRole('region', { name: 'Recently visited' })
      await recent.getByRole('link', { name: 'plain:words' }).click()
      await page.locator('iframe.frame').waitFor({ timeout: VIEW_MS })
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding (Discover)')
    }),
  )

  it(
    'dropped files are listed with their sizes and the Files chooser lets go of an earlier choice; a held name reads as held while renewed',
    bounded(120_000, async () => {
      const page = await device('dark')
      await openApp(page, relay.appOrigin, '#/publish')
      const files = page.getByLabel('Files', { exact: true })
      await files.setInputFiles({
        name: 'first.html',
        mimeType: 'text/html',
        buffer: Buffer.from('<p>first</p>'),
      })
      await page.getByText('1 file,').waitFor()
      // Two files dropped: 1000 and 24 bytes.
      const transfer = await page.evaluateHandle(() => {
        const data = new DataTransfer()
        data.items.add(new File(['a'.repeat(1000)], 'index.html', { type: 'text/html' }))
        data.items.add(new File(['b'.repeat(24)], 'style.css', { type: 'text/css' }))
        return data
      })
      await page.locator('an-file-source .drop').dispatchEvent('drop', { dataTransfer: transfer })
      const listed = page.locator('an-file-source p[role="status"]')
      await listed.getByText('2 files').waitFor()
      const text = (await listed.textContent()) ?? ''
      ok(!/\b0 bytes\b/.test(text), `dropped files have their sizes: ${text}`)
      ok(/1(\.0)?\s?kB|1,024 bytes|1024 bytes/i.test(text), `the sizes add up: ${text}`)
      equal(await files.inputValue(), '', 'the Files chooser no longer shows the earlier choice')
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding (dropped files)')
      await screenshot(page, 'publish-dropped-dark-desktop', false)

      await chooseName(page, 'plain', 'words', 'held')
      const held = (await page.locator('[data-availability="held"]').textContent()) ?? ''
      ok(/stays theirs while they renew it/.test(held), `held reads as held: ${held}`)
    }),
  )

  it(
    'Check for updates, Open web+an links and Kept safe say what they did',
    bounded(90_000, async () => {
      const page = await device()
      await openApp(page, relay.appOrigin, '#/settings')
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
        timeout: START_MS,
      })
      await page.getByRole('button', { name: 'Check for updates' }).click()
      await page.locator('[data-said="app"]').getByText('You have the latest version').waitFor({
        timeout: START_MS,
      })
      await page.getByRole('button', { name: 'Open web+an links with Alternet' }).click()
      await page.locator('[data-said="links"]').getByText('Asked your browser').waitFor()
      const ask = page.getByRole('button', { name: 'Ask the browser to keep it' })
      if (await ask.isVisible()) {
        await ask.click()
        await page.locator('[data-said="kept"]').waitFor()
      } else {
        await page.getByText('yes, the browser will not evict it').waitFor()
      }
      await noJargon(page, 'Settings after the buttons')
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding (settings)')
      await screenshot(page, 'settings-feedback-light-desktop')
    }),
  )
})
