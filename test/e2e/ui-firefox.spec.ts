/**
 * The app in Firefox (Debian's firefox-esr through puppeteer-core): A publishes files through
 * the publish screen, B opens the address and sees the page styled, scripted, with its image;
 * a folder site (published from Chromium, since Firefox's automation cannot pick a folder)
 * opens in Firefox with its sub-folder page reachable by a link; a key file exported in Chromium
 * and imported in Firefox brings its name into My sites there. Where Firefox is set to lack
 * WebRTC or service workers, the app says so plainly.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser as ChromiumBrowser } from 'playwright-core'
import type { Browser, ElementHandle } from 'puppeteer-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { chooseName, openApp, publish, publishWrittenPage } from './ui-support/app-page.ts'
import {
  clickButton,
  fill,
  frameOf,
  launchFirefox,
  newFirefoxPerson,
  openAppIn,
  waitForText,
} from './ui-support/firefox.ts'
import {
  HEADING_COLOUR,
  IMAGE_SIZE,
  SCRIPT_TEXT,
  SUBPAGE_HEADING,
  siteFiles,
  writeSiteFolder,
} from './ui-support/site-folder.ts'

/** The passphrase the key file is saved with. */
const PASSPHRASE = 'correct horse battery staple'

describe('the app in Firefox', () => {
  let appDir = ''
  let relay: AppRelay
  let firefox: Browser
  let work = ''

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    firefox = await launchFirefox()
    work = await mkdtemp(join(tmpdir(), 'an-ui-ff-'))
  })

  after(async () => {
    await firefox?.close()
    await relay?.stop()
    await removeBuild(appDir)
    await rm(work, { recursive: true, force: true })
  })

  it(
    'A publishes picked files in Firefox; B, in Firefox too, types the address and sees it styled, scripted, with its image, then its stylesheet again from the kept copy',
    bounded(180_000, async () => {
      const files = siteFiles('Published from Firefox')
      const paths: string[] = []
      for (const name of ['index.html', 'style.css', 'app.js']) {
        paths.push(join(work, name))
        await writeFile(join(work, name), files[name])
      }
      // The picked files sit side by side: the page's image path becomes a flat one.
      await writeFile(
        paths[0],
        (files['index.html'] as string).replace('images/logo.png', 'logo.png'),
      )
      paths.push(join(work, 'logo.png'))
      await writeFile(join(work, 'logo.png'), files['images/logo.png'])

      const a = await newFirefoxPerson(firefox)
      const b = await newFirefoxPerson(firefox)
      try {
        await openAppIn(a.page, relay.appOrigin, '#/publish')
        const input = (await a.page.waitForSelector(
          'an-app >>> #files',
        )) as ElementHandle<HTMLInputElement>
        await input.uploadFile(...paths)
        await waitForText(a.page, '4 files')
        await fill(a.page, '#name', 'firefox')
        await fill(a.page, '#topic', 'demo')
        await waitForText(a.page, 'firefox:demo is free.')
        await clickButton(a.page, 'Publish')
        const share = await a.page.waitForSelector('an-app >>> a[data-share]', { timeout: 90_000 })
        equal(await share!.evaluate((link) => link.textContent?.trim()), 'an://firefox:demo/')
        equal(
          await a.page.$eval('an-app >>> [role="progressbar"]', (bar) =>
            bar.getAttribute('aria-valuenow'),
          ),
          '100',
        )

        await openAppIn(b.page, relay.appOrigin, '#/view')
        await fill(b.page, '#address', ' firefox:demo ')
        await clickButton(b.page, 'Go')
        const frame = await frameOf(b.page, relay.siteOrigin('firefox:demo'), '#logo', 90_000)
        equal(
          // Read once the page has loaded: a stylesheet may still be on its way when the heading shows.
          await frame.$eval('h1', async (h) => {
            if (document.readyState !== 'complete')
              await new Promise((done) => addEventListener('load', done, { once: true }))
            return getComputedStyle(h).color
          }),
          HEADING_COLOUR,
          'the stylesheet applies',
        )
        await frame.waitForFunction(
          (text) => document.getElementById('js')?.textContent === text,
          { timeout: 30_000 },
          SCRIPT_TEXT,
        )
        equal(
          await frame.$eval(
            '#logo',
            async (img) => (
              await (img as HTMLImageElement).decode(),
              (img as HTMLImageElement).naturalWidth
            ),
          ),
          IMAGE_SIZE,
          'the image loaded',
        )
        // A repeat in Firefox: the stylesheet, once kept, comes from the site worker's kept copy.
        const kept = await frame.waitForFunction(
          async () =>
            (await (await caches.open('alternet-site-copies-v1')).match('/style.css'))?.headers.get(
              'etag',
            ) ?? false,
          { timeout: 30_000, polling: 200 },
        )
        const etag = await kept.jsonValue()
        const again = await frame.evaluate(async () => {
          const response = await fetch('/style.css')
          return { text: await response.text(), kept: response.headers.get('x-an-kept-copy') }
        })
        deepEqual(
          again,
          { text: files['style.css'], kept: etag },
          'the stylesheet from its kept copy',
        )
        equal(
          a.errors.length + b.errors.length,
          0,
          `no page errors: ${[...a.errors, ...b.errors].join('; ')}`,
        )
      } finally {
        await a.close()
        await b.close()
      }
    }),
  )

  it(
    'a key file exported in Chromium and imported in Firefox brings its name into My sites',
    bounded(240_000, async () => {
      let chromium: ChromiumBrowser | undefined
      const b = await newFirefoxPerson(firefox)
      try {
        chromium = await launchChromium()
        const a = await newPerson(chromium)
        await openApp(a.page, relay.appOrigin, '#/publish')
        await publishWrittenPage(
          a.page,
          'keys-ff',
          'travels',
          '<!doctype html><html lang="en"><title>K</title><h1>Follows the key</h1></html>',
        )
        await a.page
          .locator('[data-backup-prompt]')
          .getByRole('link', { name: 'Back up your key' })
          .click()
        await a.page.getByLabel('Export passphrase', { exact: true }).fill(PASSPHRASE)
        await a.page.getByLabel('Repeat export passphrase', { exact: true }).fill(PASSPHRASE)
        const [download] = await Promise.all([
          a.page.waitForEvent('download', { timeout: 60_000 }),
          a.page.getByRole('button', { name: 'Export key' }).click(),
        ])
        const keyFile = join(work, 'owner.key.json')
        await writeFile(keyFile, await readFile(await download.path()))

        await openAppIn(b.page, relay.appOrigin, '#/sites')
        await waitForText(b.page, 'You have not published anything from this device yet')
        await b.page.evaluate(() => {
          location.hash = '#/identity'
        })
        const input = (await b.page.waitForSelector('an-app >>> #key-file', {
          timeout: 45_000,
        })) as ElementHandle<HTMLInputElement>
        await input.uploadFile(keyFile)
        await fill(b.page, '#import-passphrase', PASSPHRASE)
        await clickButton(b.page, 'Import key')
        const found = await b.page.waitForSelector('an-app >>> [data-found-sites]', {
          timeout: 90_000,
        })
        await b.page.waitForFunction(
          (element) => element.textContent?.includes('keys-ff:travels') === true,
          { timeout: 90_000 },
          found!,
        )
        await b.page.evaluate(() => {
          location.hash = '#/sites'
        })
        await b.page.waitForSelector('an-app >>> an-sites-page >>> a[href*="keys-ff:travels"]', {
          timeout: 45_000,
        })
        equal(b.errors.length, 0, `no page errors: ${b.errors.join('; ')}`)
      } finally {
        await b.close()
        await chromium?.close()
      }
    }),
  )

  it(
    'a folder site opens in Firefox and its sub-folder page is reachable by a link',
    bounded(180_000, async () => {
      let chromium: ChromiumBrowser | undefined
      const folder = await writeSiteFolder('A folder for Firefox')
      const b = await newFirefoxPerson(firefox)
      try {
        chromium = await launchChromium()
        const a = await newPerson(chromium)
        await openApp(a.page, relay.appOrigin, '#/publish')
        await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
        await chooseName(a.page, 'folder', 'firefox', 'free')
        await publish(a.page)

        await openAppIn(b.page, relay.appOrigin, `#/view/an://folder:firefox/`)
        const origin = relay.siteOrigin('folder:firefox')
        const home = await frameOf(b.page, origin, '#logo', 90_000)
        equal(
          // Read once the page has loaded: its stylesheet may still be on its way.
          await home.$eval('h1', async (h) => {
            if (document.readyState !== 'complete')
              await new Promise((done) => addEventListener('load', done, { once: true }))
            return getComputedStyle(h).color
          }),
          HEADING_COLOUR,
        )
        // Followed from the page: puppeteer's click inside a frame asks this Firefox for a
        // locator type it does not know ("context"), so the link is activated by the page itself.
        await home.$eval('a[href="docs/page.html"]', (link) => (link as HTMLAnchorElement).click())
        const sub = await frameOf(b.page, origin, 'h1', 45_000)
        await sub.waitForFunction(
          (heading) => document.querySelector('h1')?.textContent === heading,
          { timeout: 45_000 },
          SUBPAGE_HEADING,
        )
        ok(sub.url().endsWith('/docs/page.html'), sub.url())
      } finally {
        await b.close()
        await chromium?.close()
        await folder.remove()
      }
    }),
  )

  it(
    'Firefox without WebRTC: the app says plainly that it cannot connect, instead of failing silently',
    bounded(90_000, async () => {
      const limited = await launchFirefox({ 'media.peerconnection.enabled': false })
      try {
        const page = await limited.newPage()
        await openAppIn(page, relay.appOrigin, '#/view', 'unsupported')
        const missing = await page.$eval(
          'an-app >>> an-capability-notice >>> [role="alert"]',
          (alert) => alert.getAttribute('data-missing'),
        )
        ok(missing?.split(' ').includes('webrtc'), `WebRTC is named as missing: ${missing}`)
        await waitForText(page, 'No WebRTC.')
        await waitForText(page, 'No node: this browser lacks what it needs')
      } finally {
        await limited.close()
      }
    }),
  )

  it(
    'Firefox without service workers: the node runs, and opening a site explains why it cannot be shown',
    bounded(90_000, async () => {
      const limited = await launchFirefox({ 'dom.serviceWorkers.enabled': false })
      try {
        const page = await limited.newPage()
        await openAppIn(page, relay.appOrigin, '#/view')
        await waitForText(page, 'No way to show sites safely.')
        await fill(page, '#address', 'firefox:demo')
        await clickButton(page, 'Go')
        await waitForText(page, 'This browser cannot show sites safely')
      } finally {
        await limited.close()
      }
    }),
  )
})
