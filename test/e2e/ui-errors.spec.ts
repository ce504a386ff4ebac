/**
 * Errors speak people, on every screen and in every failure state a test can reach with real
 * relays and real browsers: no error class name in any text a person reads, one failure said
 * once, characters named in words, and a second tab whose node lives in the first never told
 * that "the owner's tab may be closed".
 */
import type { BrowserContext, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import { contrastInFrame } from './ui-support/contrast.ts'
import {
  chooseName,
  goTo,
  openApp,
  publishWrittenPage,
  readableText,
  screenshot,
  seriousViolations,
  siteFrame,
  START_MS,
  visit,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'

/** WCAG AA contrast for body text. */
const MIN_CONTRAST = 4.5
/** An error class name, as the issue states it: never in words a person reads. */
const CLASS_NAME = /[A-Z][a-zA-Z]+Error\b/

describe('errors speak people (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay

  before(async () => {
    // A relay that mirrors nothing: a site whose owner left has no host at all.
    session = await startAppSession(['--mirror-policy', 'none'])
    relay = session.relay
  })

  after(() => session?.close())

  const person = (scheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> =>
    session.context(scheme)

  /** Every text a person reads now is free of error class names (and of `also`). */
  async function plain(page: Page, where: string, also?: RegExp): Promise<string> {
    const text = await readableText(page)
    for (const bad of [CLASS_NAME, ...(also !== undefined ? [also] : [])]) {
      const found = bad.exec(text)
      ok(
        found === null,
        `${where}: "${found?.[0]}" shows in …${text.slice(Math.max(0, (found?.index ?? 0) - 80), (found?.index ?? 0) + 60)}…`,
      )
    }
    return text
  }

  it(
    'a name nobody published is said once, with the offer to publish it',
    bounded(90_000, async () => {
      const page = await (await person('dark')).newPage()
      await openApp(page, relay.appOrigin)
      await visit(page, 'an://nobody-here:void')
      await siteFrame(page).locator('html[data-an-failure]').waitFor({ timeout: VIEW_MS })
      await page.getByRole('link', { name: 'Publish this name' }).waitFor({ timeout: VIEW_MS })
      const text = await plain(page, 'name not found')
      equal(text.match(/Name not found/g)?.length, 1, 'the title is said once')
      equal(text.match(/the name is free/gi)?.length ?? 0, 1, '"free" is said once')
      equal(
        await page.locator('an-browser-frame details.about').isVisible(),
        false,
        '"About this name" is not offered: it would say "Name not found" a second time',
      )
      equal((await seriousViolations(page)).length, 0, 'no serious axe finding')
      await screenshot(page, 'errors-not-found-dark-desktop', false)
    }),
  )

  it(
    'the screens and their input errors: addresses, names, files, passphrases, key files, relays',
    bounded(150_000, async () => {
      const page = await (await person()).newPage()
      await openApp(page, relay.appOrigin)
      await plain(page, 'Browse (welcome)')
      for (const [address, words] of [
        ['an://bad name:x', /a space/],
        ['an://café_bar:x', /'_'/],
        ['an://:x', /./],
      ] as const) {
        await visit(page, address)
        const alert = page.getByRole('alert').first()
        await alert.waitFor()
        ok(
          words.test((await alert.textContent()) ?? ''),
          `${address}: ${await alert.textContent()}`,
        )
        ok(!/U\+[0-9A-F]{4}/.test((await alert.textContent()) ?? ''), 'no code point')
        await plain(page, `address ${address}`)
      }

      await goTo(page, 'Publish')
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('two words')
      await page.getByRole('textbox', { name: 'Topic', exact: true }).fill('x')
      await page.locator('#availability').getByText('a space').waitFor({ timeout: START_MS })
      await plain(page, 'Publish, a name with a space', /U\+[0-9A-F]{4}/)
      await chooseName(page, 'no-files', 'errors', 'free')
      await page.getByRole('button', { name: 'Publish', exact: true }).click()
      await page.getByRole('alert').getByText('These files cannot be published').waitFor()
      const noFiles = await plain(page, 'Publish without files')
      equal(noFiles.match(/at least one file/g)?.length, 1, 'the no-files error is said once')

      await goTo(page, 'Identity')
      await page.getByRole('button', { name: 'Import key' }).click()
      await page.getByRole('alert').getByText('Choose a key file').waitFor()
      await plain(page, 'Identity, no key file')
      await page.getByLabel('Export passphrase', { exact: true }).fill('short')
      await page.getByLabel('Repeat export passphrase', { exact: true }).fill('shorter')
      await page.getByRole('button', { name: 'Export key' }).click()
      await page.getByRole('alert').getByText('The passphrases differ').waitFor()
      await plain(page, 'Identity, passphrases differ')
      await page.getByLabel('Repeat export passphrase', { exact: true }).fill('short')
      await page.getByRole('button', { name: 'Export key' }).click()
      await page.getByRole('alert').getByText('That passphrase is too weak').waitFor()
      await plain(page, 'Identity, weak passphrase')
      await page.getByLabel('Key file', { exact: true }).setInputFiles({
        name: 'not-a-key.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"hello": "world"}'),
      })
      await page.getByLabel('Key file passphrase', { exact: true }).fill('whatever it is here')
      await page.getByRole('button', { name: 'Import key' }).click()
      await page.getByRole('alert').getByText('not a key file').waitFor()
      await plain(page, 'Identity, not a key file')

      await goTo(page, 'Settings')
      const field = page.getByRole('textbox', { name: 'Relay URL or address' })
      for (const relayAddress of ['not a relay', 'http://127.0.0.1:9']) {
        await field.fill(relayAddress)
        await page.getByRole('button', { name: 'Add relay' }).click()
        await page.getByRole('alert').first().waitFor({ timeout: START_MS })
        await plain(page, `Settings, relay ${relayAddress}`)
      }
      await goTo(page, 'My sites')
      await page.getByLabel('Name you hold (name:topic)').fill('bad name:x')
      await page.getByRole('button', { name: 'Find', exact: true }).click()
      await page.getByRole('alert').first().waitFor()
      await plain(page, 'My sites, a bad name typed')
    }),
  )

  it(
    'a missing page inside a site with no 404 page is a styled page, readable in light and dark, with a link home',
    bounded(150_000, async () => {
      const owner = await (await person()).newPage()
      await openApp(owner, relay.appOrigin, '#/publish')
      await publishWrittenPage(
        owner,
        'no-such-page',
        'errors',
        '<!doctype html><html lang="en"><title>Home</title><h1>The home page</h1></html>',
      )
      for (const scheme of ['light', 'dark'] as const) {
        const page = scheme === 'light' ? owner : await (await person('dark')).newPage()
        if (scheme === 'dark') await openApp(page, relay.appOrigin)
        await visit(page, 'an://no-such-page:errors/about.html')
        const frame = siteFrame(page)
        await frame.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: VIEW_MS })
        const holder = page.locator('iframe.frame')
        for (const selector of ['h1', 'p', 'code', 'a.home']) {
          const ratio = await contrastInFrame(frame.locator(selector).first(), holder)
          ok(ratio >= MIN_CONTRAST, `${scheme} ${selector}: contrast ${ratio.toFixed(2)}`)
        }
        ok(
          ((await frame.locator('main').textContent()) ?? '').includes('/about.html'),
          'the path is named',
        )
        await plain(page, `missing page (${scheme})`, /Not found:/)
        equal((await seriousViolations(page)).length, 0, `no serious axe finding (${scheme})`)
        await screenshot(page, `missing-page-${scheme}-desktop`, false)
        await frame.getByRole('link', { name: /Go to the home page/ }).click()
        await frame.getByRole('heading', { name: 'The home page' }).waitFor({ timeout: VIEW_MS })
      }
    }),
  )

  it(
    'a site whose host is gone says so in words; a second tab whose node runs in the first is not told the owner’s tab may be closed',
    bounded(240_000, async () => {
      const owner = await person()
      const first = await owner.newPage()
      await openApp(first, relay.appOrigin, '#/publish')
      await publishWrittenPage(
        first,
        'two-tabs',
        'errors',
        '<!doctype html><html lang="en"><title>T</title><h1>Two tabs</h1></html>',
      )

      const second = await owner.newPage()
      await second.goto(`${relay.appOrigin}/#/view`)
      await waitForPhase(second, 'elsewhere')
      await plain(second, 'second tab')
      await visit(second, 'an://two-tabs:errors')
      const frame = siteFrame(second)
      await frame.locator('html[data-an-failure], h1').first().waitFor({ timeout: VIEW_MS })
      await plain(second, 'second tab, own site', /owner.s tab may be closed|No host reachable/)
      await screenshot(second, 'errors-second-tab-light-desktop', false)

      // A visitor after the owner left: the host is gone, said in words.
      await owner.close()
      const visitor = await (await person('dark')).newPage()
      await openApp(visitor, relay.appOrigin)
      await visit(visitor, 'an://two-tabs:errors')
      await siteFrame(visitor)
        .locator('html[data-an-failure="no-host"]')
        .waitFor({ timeout: 120_000 })
      await plain(visitor, 'no host reachable')
      equal((await seriousViolations(visitor)).length, 0, 'no serious axe finding (no host)')
      await screenshot(visitor, 'errors-no-host-dark-desktop', false)
    }),
  )
})
