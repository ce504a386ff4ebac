/**
 * The owner's screens as a person meets them, at 1280×800 and 390×844, light and dark: the
 * editor, publishing and its result, the key backup, My sites with a site and its health card,
 * going offline, and the repair page. In Chromium each state is scanned by axe-core (no serious
 * or critical finding) and nothing scrolls sideways; in Firefox each state is checked for
 * sideways scroll. Every state is saved as test-results/screens/owner-<browser>-<size>-<scheme>-
 * <state>.png for a person to look at.
 */
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  SCREENS_DIR,
  screenshot,
  scrollsSideways,
  seriousViolations,
  siteFrame,
  visit,
  PUBLISH_MS,
  VIEW_MS,
  writePage,
} from './ui-support/app-page.ts'
import { contrastRatio, parseColour } from './ui-support/contrast.ts'
import { clickButton, launchFirefox, newFirefoxPerson, openAppIn } from './ui-support/firefox.ts'

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const
const SCHEMES = ['light', 'dark'] as const
/** Firefox's own setting for what pages see as `prefers-color-scheme`: 0 is dark, 1 light. */
const FIREFOX_SCHEME = { dark: 0, light: 1 } as const
const PAGE = `<!doctype html><html lang="en"><title>Mine</title><h1>My own page</h1><p>Words.</p></html>`
const PASSPHRASE = 'a long passphrase for the tour'
/** Files picked for Publish, listed before the editor takes their place. */
const FILES = ['index.html', 'about.html'].map((name) => ({
  name,
  mimeType: 'text/html',
  buffer: Buffer.from(`<!doctype html><title>${name}</title><p>${name}</p>`),
}))

describe("the owner's screens, light and dark, desktop and phone", () => {
  let session: AppSession

  before(async () => {
    session = await startAppSession()
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
          const look = async (state: string, fullPage = true, on = page): Promise<void> => {
            for (const v of await seriousViolations(on))
              found.push(`${state}: ${v.id} ${v.targets}`)
            equal(await scrollsSideways(on), false, `${state}: the page scrolls sideways`)
            await screenshot(on, `owner-chromium-${size}-${scheme}-${state}`, fullPage)
          }
          const site = `${size}${scheme}:own`
          const origin = session.relay.appOrigin
          await openApp(page, origin, '#/sites')
          await page.locator('an-sites-page h2').first().waitFor()
          await look('sites-empty')
          await goTo(page, 'Publish')
          await page.getByLabel('Files', { exact: true }).setInputFiles(FILES)
          await page.getByText('about.html').first().waitFor()
          await look('publish-files')
          await writePage(page, PAGE)
          await chooseName(page, `${size}${scheme}`, 'own', 'free')
          await look('publish-editor')
          await page.getByRole('button', { name: 'Publish', exact: true }).click()
          await page.getByRole('progressbar', { name: 'Publishing progress' }).waitFor()
          await look('publish-progress', false)
          await page.locator('a[data-share]').waitFor({ timeout: PUBLISH_MS })
          await look('publish-result', false)
          await look('publish-result-full')
          await page.getByRole('link', { name: 'Back up your key' }).click()
          await page.locator('#export-passphrase').fill(PASSPHRASE)
          await page.locator('#export-repeat').fill(PASSPHRASE)
          await look('backup', false)
          const download = page.waitForEvent('download')
          await page.getByRole('button', { name: 'Export key' }).click()
          await page
            .getByRole('status')
            .getByText(/^Saved/)
            .waitFor({ timeout: VIEW_MS })
          const keyFile = await (await download).path()
          await look('backup-saved')
          // A new device imports the key: its names follow.
          const device = await (await session.context(scheme, { viewport })).newPage()
          await openApp(device, origin, '#/identity')
          await device.locator('#key-file').setInputFiles(keyFile)
          await device.locator('#import-passphrase').fill(PASSPHRASE)
          await device.getByRole('button', { name: 'Import key' }).click()
          await device.locator('[data-found-sites]').getByText(site).waitFor({ timeout: VIEW_MS })
          await look('import-done', true, device)
          await device.context().close()
          await goTo(page, 'My sites')
          await page.getByText(site).first().waitFor({ timeout: VIEW_MS })
          await look('sites-one')
          await visit(page, `an://${site}/missing.html`)
          await siteFrame(page)
            .getByRole('heading', { name: 'Page not found' })
            .waitFor({ timeout: VIEW_MS })
          await look('missing-page', false)
          await context.setOffline(true)
          try {
            await visit(page, 'an://nobody-here:offline')
            await page.getByText('You’re offline', { exact: true }).first().waitFor()
            await page.locator('iframe.frame').waitFor({ state: 'hidden', timeout: VIEW_MS })
            await look('offline-visit', false)
          } finally {
            await context.setOffline(false)
          }
          await page.goto(`${origin}/__an/reset.html`)
          await page.getByRole('heading', { name: 'Repair Alternet' }).waitFor()
          // Light or dark as the app is: a dark page in dark mode, its words readable.
          const [back, ink] = await page
            .locator('body')
            .evaluate((body) => [
              getComputedStyle(body).backgroundColor,
              getComputedStyle(body).color,
            ])
          const [red, green, blue, alpha] = parseColour(back!)
          if (scheme === 'dark')
            ok(alpha === 1 && Math.max(red, green, blue) < 64, `a dark repair page: ${back}`)
          ok(
            alpha === 1 && contrastRatio(parseColour(back!), parseColour(ink!)) >= 4.5,
            `the repair page's words readable: ${ink} on ${back}`,
          )
          await look('repair')
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
              const path = join(SCREENS_DIR, `owner-firefox-${size}-${scheme}-${state}.png`)
              await page.screenshot({ path, fullPage: true })
            }
            try {
              await page.setViewport(viewport)
              await openAppIn(page, session.relay.appOrigin, '#/publish')
              await clickButton(page, 'Write a page instead')
              await page.waitForSelector('an-app >>> textarea')
              await look('publish-editor')
              await page.goto(`${session.relay.appOrigin}/__an/reset.html`)
              await page.waitForSelector('h1')
              await look('repair')
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
