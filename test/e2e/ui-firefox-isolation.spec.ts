/**
 * Site isolation in Firefox (Debian's firefox-esr through puppeteer-core), through the real app
 * and a real relay: a person publishes two sites from the app and opens one in the viewer; from
 * inside the site frame, the site's script cannot read the app's IndexedDB (opening the app's
 * database name there makes a new, empty database on the site origin), cannot script the app's
 * window, cannot register a service worker on the app origin, and what it stores is not seen by
 * the other site. The same checks as sw-site.spec.ts makes in Chromium.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, ElementHandle, Page } from 'puppeteer-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { bounded } from './support/site-frame.ts'
import {
  clickButton,
  fill,
  frameOf,
  launchFirefox,
  newFirefoxPerson,
  openAppIn,
  waitForText,
} from './ui-support/firefox.ts'

const SITE = 'apart:firefox'
const OTHER = 'other:firefox'

/** Publishes the picked `files` as `site` from the publish screen (already open). */
async function publishFiles(page: Page, files: string[], site: string): Promise<void> {
  const [name, topic] = site.split(':')
  const input = (await page.waitForSelector('an-app >>> #files')) as ElementHandle<HTMLInputElement>
  await input.uploadFile(...files)
  await fill(page, '#name', name)
  await fill(page, '#topic', topic)
  await waitForText(page, `${site} is free.`)
  await clickButton(page, 'Publish')
  await page.waitForSelector(`an-app >>> a[data-share] ::-p-text(an://${site}/)`, {
    timeout: 90_000,
  })
}

/** Shows `site` in the viewer and returns its frame, once it has its heading. */
async function show(page: Page, relay: AppRelay, site: string) {
  await fill(page, '#address', site)
  await clickButton(page, 'Go')
  return frameOf(page, relay.siteOrigin(site), 'h1', 90_000)
}

describe('site isolation in Firefox', () => {
  let appDir = ''
  let relay: AppRelay
  let firefox: Browser
  let work = ''

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    firefox = await launchFirefox()
    work = await mkdtemp(join(tmpdir(), 'an-ui-ff-iso-'))
  })

  after(async () => {
    await firefox?.close()
    await relay?.stop()
    await removeBuild(appDir)
    await rm(work, { recursive: true, force: true })
  })

  it(
    'keeps the site apart from the app and from other sites',
    bounded(240_000, async () => {
      const paths = { site: join(work, 'index.html'), other: join(work, 'other', 'index.html') }
      await writeFile(
        paths.site,
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Apart</title></head><body><h1>A site kept apart</h1></body></html>',
      )
      await mkdir(join(work, 'other'), { recursive: true })
      await writeFile(
        paths.other,
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Other</title></head><body><h1>Another site</h1></body></html>',
      )

      const person = await newFirefoxPerson(firefox)
      try {
        const { page } = person
        await openAppIn(page, relay.appOrigin, '#/publish')
        await publishFiles(page, [paths.site], SITE)
        await publishFiles(page, [paths.other], OTHER)

        const appDatabases = await page.evaluate(async () => {
          const found = await indexedDB.databases()
          return found.map((d) => d.name ?? '')
        })
        ok(
          appDatabases.includes('alternet'),
          `the app keeps its keys in IndexedDB (${appDatabases.join(', ')})`,
        )
        const appStores = await page.evaluate(
          () =>
            new Promise<string[]>((resolve, reject) => {
              const request = indexedDB.open('alternet')
              request.onsuccess = () => {
                const names = [...request.result.objectStoreNames]
                request.result.close()
                resolve(names)
              }
              request.onerror = () => reject(request.error)
            }),
        )
        ok(
          appStores.includes('identity'),
          `the app's database has its stores (${appStores.join(', ')})`,
        )

        await page.goto(`${relay.appOrigin}/#/view`)
        await page.waitForSelector('an-app[data-phase="running"]', { timeout: 30_000 })
        const origin = relay.siteOrigin(SITE)
        const frame = await show(page, relay, SITE)
        equal(await frame.$eval('h1', (h) => h.textContent), 'A site kept apart')
        equal(await frame.evaluate(() => location.origin), origin)

        const probe = await frame.evaluate(
          async (appOrigin, appNames) => {
            const tryIt = (f: () => unknown): string => {
              try {
                f()
                return 'allowed'
              } catch (error) {
                return (error as Error).name
              }
            }
            const names = (await indexedDB.databases()).map((d) => d.name ?? '')
            // Opening the app's database names here opens (creates) databases of the site origin.
            const opened: { name: string; upgraded: boolean; stores: string[] }[] = []
            for (const name of appNames) {
              opened.push(
                await new Promise((resolve, reject) => {
                  let upgraded = false
                  const request = indexedDB.open(name)
                  request.onupgradeneeded = () => (upgraded = true)
                  request.onsuccess = () => {
                    const stores = [...request.result.objectStoreNames]
                    request.result.close()
                    indexedDB.deleteDatabase(name)
                    resolve({ name, upgraded, stores })
                  }
                  request.onerror = () => reject(request.error)
                }),
              )
            }
            const register = await navigator.serviceWorker
              .register(`${appOrigin}/sw.js`, { scope: `${appOrigin}/` })
              .then(
                () => 'registered',
                (error: Error) => error.name,
              )
            localStorage.setItem('secret', 'apart')
            await caches
              .open('apart-private')
              .then((cache) => cache.put('/private', new Response('apart only')))
            return {
              names,
              opened,
              parentDocument: tryIt(() => window.parent.document.title),
              topLocation: tryIt(() => (window.top as Window).location.href),
              topStorage: tryIt(() => (window.top as Window).localStorage.length),
              register,
            }
          },
          relay.appOrigin,
          appDatabases,
        )
        for (const name of appDatabases)
          ok(!probe.names.includes(name), `the site does not see the app's database ${name}`)
        deepEqual(
          probe.opened,
          appDatabases.map((name) => ({ name, upgraded: true, stores: [] })),
          "the app's database names open new, empty databases on the site origin",
        )
        deepEqual(
          {
            parentDocument: probe.parentDocument,
            topLocation: probe.topLocation,
            topStorage: probe.topStorage,
            register: probe.register,
          },
          {
            parentDocument: 'SecurityError',
            topLocation: 'SecurityError',
            topStorage: 'SecurityError',
            register: 'SecurityError',
          },
        )
        const registrations = await page.evaluate(async () =>
          (await navigator.serviceWorker.getRegistrations()).map(
            (r) => r.active?.scriptURL ?? r.installing?.scriptURL ?? r.waiting?.scriptURL,
          ),
        )
        deepEqual(
          registrations,
          [relay.url('/sw.js')],
          'the app origin still has only its own worker',
        )
        const stillThere = await page.evaluate(
          () =>
            new Promise<string[]>((resolve, reject) => {
              const request = indexedDB.open('alternet')
              request.onsuccess = () => {
                const names = [...request.result.objectStoreNames]
                request.result.close()
                resolve(names)
              }
              request.onerror = () => reject(request.error)
            }),
        )
        deepEqual(stillThere, appStores, "the app's database is untouched")

        const otherFrame = await show(page, relay, OTHER)
        equal(await otherFrame.$eval('h1', (h) => h.textContent), 'Another site')
        const seen = await otherFrame.evaluate(
          async (siteOrigin) => ({
            origin: location.origin,
            secret: localStorage.getItem('secret'),
            cache: await caches.has('apart-private'),
            siteContent: await fetch(`${siteOrigin}/index.html`).then(
              (r) => `HTTP ${r.status}`,
              (error: Error) => error.name,
            ),
          }),
          origin,
        )
        deepEqual(seen, {
          origin: relay.siteOrigin(OTHER),
          secret: null,
          cache: false,
          siteContent: 'TypeError',
        })
        equal(person.errors.length, 0, `no page errors: ${person.errors.join('; ')}`)
      } finally {
        await person.close()
      }
    }),
  )
})
