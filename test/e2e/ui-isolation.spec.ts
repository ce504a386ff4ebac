/**
 * Site isolation through the real app in Chromium, against a real relay serving the built app:
 * a person publishes a site from the publish screen and opens it in the viewer. The site's
 * script tries to navigate the app's window (`top.location.href = …`), once as it loads and
 * once after a click inside the frame, and the app stays where it is. From inside the site
 * frame, the site cannot read the app's IndexedDB, cannot script the app's window, cannot
 * register a service worker on the app origin, and what it stores is not seen by another site.
 * (`sw-site.spec.ts` makes the same checks in the test harness, which sets its own sandbox.)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded, siteFrame } from './support/site-frame.ts'
import { chooseName, openApp, publish, visit, VIEW_MS } from './ui-support/app-page.ts'

const SITE = 'busting:frame'
const OTHER = 'other:frame'
/** Where the site tries to send the app's window: a lookalike of the app on a path of the app origin. */
const LOOKALIKE = '/?reset-sw&lookalike'

/** The site's page: tries to navigate the top window as it loads, and again when its button is clicked. */
const BUSTING_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Busting</title></head>
<body>
  <h1>A site that wants the whole window</h1>
  <p id="direct">not tried</p>
  <p id="clicked">not tried</p>
  <button id="go" type="button">Take over</button>
  <script>
    const target = location.protocol + '//' + location.host.split('.').slice(1).join('.') + ${JSON.stringify(LOOKALIKE)}
    const attempt = (id) => {
      let result = 'no error'
      try {
        top.location.href = target
      } catch (error) {
        result = error.name
      }
      document.getElementById(id).textContent = 'tried: ' + result
    }
    attempt('direct')
    document.getElementById('go').addEventListener('click', () => attempt('clicked'))
  </script>
</body>
</html>
`

/** Writes a one-page site into a new folder under `work`; returns that folder. */
async function siteFolder(work: string, name: string, html: string): Promise<string> {
  const dir = join(work, name)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'index.html'), html)
  return dir
}

/** Publishes `folder` as `site` from the publish screen. */
async function publishFolder(
  page: Page,
  appOrigin: string,
  folder: string,
  site: string,
): Promise<void> {
  const [name, topic] = site.split(':')
  await openApp(page, appOrigin, '#/publish')
  await page.getByLabel('Folder', { exact: true }).setInputFiles(folder)
  await page.getByText(/^1 file, /).waitFor()
  await chooseName(page, name, topic, 'free')
  const { address } = await publish(page)
  equal(address, `an://${site}/`)
}

describe('site isolation through the app (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser
  let work = ''

  before(async () => {
    session = await startAppSession()
    ;({ relay, browser } = session)
    work = await mkdtemp(join(tmpdir(), 'an-ui-iso-'))
  })

  after(async () => {
    await session?.close()
    await rm(work, { recursive: true, force: true })
  })

  it(
    'a site cannot navigate the app window, neither as it loads nor after a click inside its frame',
    bounded(180_000, async () => {
      const folder = await siteFolder(work, 'busting', BUSTING_PAGE)
      const person = await newPerson(browser)
      const { page } = person
      const lookalikeHits: string[] = []
      await page.route(
        (url) => url.pathname === '/' && url.search.includes('lookalike'),
        (route) => {
          lookalikeHits.push(route.request().url())
          return route.fulfill({
            status: 200,
            contentType: 'text/html',
            body: '<!doctype html><title>Alternet</title><h1>Lookalike</h1>',
          })
        },
      )
      const topNavigations: string[] = []
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) topNavigations.push(frame.url())
      })
      try {
        await publishFolder(page, relay.appOrigin, folder, SITE)
        await openApp(page, relay.appOrigin)
        await visit(page, SITE)
        const viewerUrl = page.url()
        const frame = await siteFrame(page, relay.siteOrigin(SITE), 'h1', VIEW_MS)
        await frame.locator('#direct', { hasText: 'tried' }).waitFor({ timeout: VIEW_MS })
        await frame.locator('#go').click()
        await frame.locator('#clicked', { hasText: 'tried' }).waitFor({ timeout: VIEW_MS })
        // The app is still there and still shows the site: its page answers, its frame is the site's.
        equal(
          await page.evaluate(() => document.querySelector('an-app')?.getAttribute('data-phase')),
          'running',
        )
        equal(page.url(), viewerUrl, 'the app window stays on the viewer')
        equal(await frame.locator('h1').textContent(), 'A site that wants the whole window')
        const sandbox = await page.locator('iframe.frame').getAttribute('sandbox')
        ok(
          sandbox !== null && !/allow-top-navigation/.test(sandbox),
          `the site frame is sandboxed without top navigation (${sandbox})`,
        )
        deepEqual(lookalikeHits, [], 'the lookalike page was never requested')
        ok(
          topNavigations.every(
            (url) => url.startsWith(relay.appOrigin + '/') && !url.includes('lookalike'),
          ),
          `the app window only moved within the app (${topNavigations.join(', ')})`,
        )
        deepEqual(person.errors, [])
      } finally {
        await person.context.close()
      }
    }),
  )

  it(
    'keeps the site apart from the app and from other sites',
    bounded(240_000, async () => {
      const apart = await siteFolder(
        work,
        'apart',
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Apart</title></head><body><h1>A site kept apart</h1></body></html>',
      )
      const other = await siteFolder(
        work,
        'other',
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Other</title></head><body><h1>Another site</h1></body></html>',
      )
      const site = 'apart:frame'
      const person = await newPerson(browser)
      const { page } = person
      try {
        await publishFolder(page, relay.appOrigin, apart, site)
        await publishFolder(page, relay.appOrigin, other, OTHER)
        const appDatabases = await page.evaluate(async () =>
          (await indexedDB.databases()).map((d) => d.name ?? ''),
        )
        ok(
          appDatabases.includes('alternet'),
          `the app keeps its keys in IndexedDB (${appDatabases.join(', ')})`,
        )

        await openApp(page, relay.appOrigin)
        await visit(page, site)
        const origin = relay.siteOrigin(site)
        const frame = await siteFrame(page, origin, 'h1', VIEW_MS)
        equal(await frame.evaluate(() => location.origin), origin)
        equal(
          await frame.evaluate(() => navigator.serviceWorker.controller?.scriptURL),
          `${origin}/__an/site-sw.js`,
          'the site worker controls the sandboxed frame',
        )
        const probe = await frame.evaluate(
          async ({ appOrigin, appNames }) => {
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
            const opened: { name: string; stores: string[] }[] = []
            for (const name of appNames) {
              opened.push(
                await new Promise((resolve, reject) => {
                  const request = indexedDB.open(name)
                  request.onsuccess = () => {
                    const stores = [...request.result.objectStoreNames]
                    request.result.close()
                    indexedDB.deleteDatabase(name)
                    resolve({ name, stores })
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
              parentLocation: tryIt(() => window.parent.location.href),
              topStorage: tryIt(() => (window.top as Window).localStorage.length),
              register,
            }
          },
          { appOrigin: relay.appOrigin, appNames: appDatabases },
        )
        for (const name of appDatabases)
          ok(!probe.names.includes(name), `the site does not see the app's database ${name}`)
        for (const opened of probe.opened)
          deepEqual(
            opened.stores,
            [],
            `opening ${opened.name} on the site origin finds none of the app's stores`,
          )
        deepEqual(
          {
            parentDocument: probe.parentDocument,
            parentLocation: probe.parentLocation,
            topStorage: probe.topStorage,
            register: probe.register,
          },
          {
            parentDocument: 'SecurityError',
            parentLocation: 'SecurityError',
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
          `the app's database is untouched (${appStores.join(', ')})`,
        )

        await visit(page, OTHER)
        const otherOrigin = relay.siteOrigin(OTHER)
        const otherFrame = await siteFrame(page, otherOrigin, 'h1', VIEW_MS)
        const seen = await otherFrame.evaluate(
          async (apartOrigin) => ({
            origin: location.origin,
            secret: localStorage.getItem('secret'),
            cache: await caches.has('apart-private'),
            apartContent: await fetch(`${apartOrigin}/index.html`).then(
              (r) => `HTTP ${r.status}`,
              (error: Error) => error.name,
            ),
          }),
          origin,
        )
        deepEqual(seen, {
          origin: otherOrigin,
          secret: null,
          cache: false,
          apartContent: 'TypeError',
        })
        deepEqual(person.errors, [])
      } finally {
        await person.context.close()
      }
    }),
  )
})
