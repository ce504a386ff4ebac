/**
 * Sites in their own origins, end to end: a real relay serves the built app; a harness page
 * on the app origin runs the real peer (`createAlternetPeer`), publishes a site and shows it
 * through the production bridge host, bridge page and site-origin service worker. A second
 * person (another browser context, another peer) fetches it over the network.
 * @module
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { DEFAULT_MEDIA_SIZE, DEMO_CSS, mediaByte } from './support/harness/demo-site.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, harnessReady, siteFrame } from './support/site-frame.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'

const SITE = 'demo:test'
const OTHER = 'other:test'
const MEDIA_SIZE = DEFAULT_MEDIA_SIZE

describe('site origins: bridge and site-origin service worker', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  let site: string
  let other: string

  before(
    bounded(120_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(dist)
      browser = await launchChromium()
      ;({ context, page, errors } = await newPerson(browser))
      site = relay.siteOrigin(SITE)
      other = relay.siteOrigin(OTHER)
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      const published = await page.evaluate(
        ([a, b]) =>
          Promise.all([window.harness.publishDemo(a), window.harness.publishDemo(b, 1024)]),
        [SITE, OTHER],
      )
      ok(
        published.every((p) => p.accepted >= 1),
        'the relay stored both records',
      )
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    'shows the page with its stylesheet, script and image, and tells the shell which document it got',
    bounded(60_000, async () => {
      const url = await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
      equal(url, `${site}/`)
      const frame = await siteFrame(page, site, 'h1')
      const seen = await frame.evaluate(async () => ({
        // Read once the page has loaded: its stylesheet and image may still be on their way.
        loaded:
          document.readyState === 'complete' ||
          (await new Promise((done) => addEventListener('load', () => done(true), { once: true }))),
        title: document.title,
        color: getComputedStyle(document.querySelector('h1')!).color,
        ran: document.body.dataset.ran,
        image: (document.getElementById('pic') as HTMLImageElement).naturalWidth,
        controlled: navigator.serviceWorker.controller?.scriptURL,
      }))
      deepEqual(seen, {
        loaded: true,
        title: `Demo ${SITE}`,
        color: 'rgb(12, 34, 56)',
        ran: 'yes',
        image: 1,
        controlled: `${site}/__an/site-sw.js`,
      })
      const documents = await page.evaluate(() => window.harness.documents)
      deepEqual(documents.at(-1), { site: SITE, path: '/', address: `an://${SITE}/`, status: 200 })
      equal(
        await page.evaluate(() => window.harness.canReadSiteFrame()),
        false,
        'the shell cannot read the site frame either',
      )
    }),
  )

  it(
    'redirects a folder to its index on the site origin and follows the link to the sub-folder page',
    bounded(30_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      const redirect = await frame.evaluate(async () => {
        const response = await fetch('/sub', { redirect: 'manual' })
        return { type: response.type }
      })
      equal(redirect.type, 'opaqueredirect', 'a folder without its slash is a redirect')
      const followed = await frame.evaluate(async () => {
        const response = await fetch('/sub')
        return { url: response.url, status: response.status, redirected: response.redirected }
      })
      deepEqual(followed, { url: `${site}/sub/`, status: 200, redirected: true })
      await frame.click('#sub')
      await frame.waitForURL(`${site}/sub/`)
      equal(await frame.textContent('h1'), 'Sub-folder page')
      const last = await waitUntil('the document event of the sub-folder page', () =>
        page.evaluate(() => window.harness.documents.find((d) => d.path === '/sub/')),
      )
      equal(last.status, 200)
    }),
  )

  it(
    'answers Range with 206 and the right bytes, HEAD without a body, and If-None-Match with 304',
    bounded(30_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      const result = await frame.evaluate(async () => {
        const ranged = await fetch('/media.bin', { headers: { range: 'bytes=1000000-1000099' } })
        const bytes = Array.from(new Uint8Array(await ranged.arrayBuffer()))
        const head = await fetch('/style.css', { method: 'HEAD' })
        const headBody = (await head.arrayBuffer()).byteLength
        const etag = head.headers.get('etag')
        const conditional = await fetch('/style.css', {
          headers: { 'if-none-match': etag ?? '' },
          cache: 'no-store',
        })
        return {
          status: ranged.status,
          contentRange: ranged.headers.get('content-range'),
          bytes,
          head: {
            status: head.status,
            type: head.headers.get('content-type'),
            length: head.headers.get('content-length'),
            body: headBody,
            etag: etag !== null,
          },
          conditional: conditional.status,
        }
      })
      equal(result.status, 206)
      equal(result.contentRange, `bytes 1000000-1000099/${MEDIA_SIZE}`)
      deepEqual(
        result.bytes,
        Array.from({ length: 100 }, (_, i) => mediaByte(1_000_000 + i)),
      )
      deepEqual(result.head, {
        status: 200,
        type: 'text/css; charset=utf-8',
        length: String(new TextEncoder().encode(DEMO_CSS).length),
        body: 0,
        etag: true,
      })
      equal(result.conditional, 304)
    }),
  )

  it(
    'streams a body: the first bytes reach the site while the rest is still held back',
    bounded(60_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      await page.evaluate(() => window.harness.armGate('/media.bin'))
      await frame.evaluate(() => {
        const state = { first: 0, total: 0, done: false, ok: true }
        ;(window as unknown as { streamState: typeof state }).streamState = state
        void fetch('/media.bin').then(async (response) => {
          const reader = response.body!.getReader()
          for (;;) {
            const { done, value } = await reader.read()
            if (done) break
            for (let i = 0; i < value.length; i++)
              if (value[i] !== ((state.total + i) * 7 + ((state.total + i) >> 10)) % 256)
                state.ok = false
            if (state.first === 0) state.first = value.length
            state.total += value.length
          }
          state.done = true
        })
      })
      const held = await waitUntil('the first bytes in the site frame', () =>
        frame
          .evaluate(
            () =>
              (window as unknown as { streamState: { total: number; done: boolean } }).streamState,
          )
          .then((s) => (s.total > 0 ? s : undefined)),
      )
      ok(
        !held.done && held.total < MEDIA_SIZE,
        `bytes arrived (${held.total}) before the body was complete`,
      )
      equal(await page.evaluate(() => window.harness.gateReached()), true)
      await page.evaluate(() => window.harness.openGate())
      const done = await waitUntil('the whole body', () =>
        frame
          .evaluate(
            () =>
              (window as unknown as { streamState: { total: number; done: boolean; ok: boolean } })
                .streamState,
          )
          .then((s) => (s.done ? s : undefined)),
      )
      deepEqual({ total: done.total, ok: done.ok }, { total: MEDIA_SIZE, ok: true })
    }),
  )

  it(
    'shows the site to a second person whose node fetches it over the network, bodies sent as chunk messages',
    bounded(90_000, async () => {
      const visitor = await newPerson(browser)
      try {
        await visitor.page.goto(relay.url(`${HARNESS_PATH}?stream=chunks`))
        await harnessReady(visitor.page)
        await visitor.page.evaluate(() => window.harness.startPeer())
        await visitor.page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
        const frame = await siteFrame(visitor.page, site, 'h1', 60_000)
        const seen = await frame.evaluate(async () => {
          // Read once the page has loaded: its stylesheet and image may still be on their way.
          if (document.readyState !== 'complete')
            await new Promise((done) => addEventListener('load', done, { once: true }))
          const media = new Uint8Array(await (await fetch('/media.bin')).arrayBuffer())
          let wrong = 0
          for (let i = 0; i < media.length; i++)
            if (media[i] !== ((i * 7 + (i >> 10)) & 0xff)) wrong++
          return {
            color: getComputedStyle(document.querySelector('h1')!).color,
            ran: document.body.dataset.ran,
            image: (document.getElementById('pic') as HTMLImageElement).naturalWidth,
            media: media.length,
            wrong,
          }
        })
        deepEqual(seen, {
          color: 'rgb(12, 34, 56)',
          ran: 'yes',
          image: 1,
          media: MEDIA_SIZE,
          wrong: 0,
        })
        deepEqual(visitor.errors, [])
      } finally {
        await visitor.context.close()
      }
    }),
  )

  it(
    'keeps the site apart from the app and from other sites',
    bounded(60_000, async () => {
      const appDatabases = await page.evaluate(async () =>
        (await indexedDB.databases()).map((d) => d.name),
      )
      ok(appDatabases.length > 0, `the app has databases (${appDatabases.join(', ')})`)
      const frame = await siteFrame(page, site, 'h1')
      const probe = await frame.evaluate(async (appOrigin) => {
        const names = (await indexedDB.databases()).map((d) => d.name)
        const tryIt = (f: () => unknown): string => {
          try {
            f()
            return 'allowed'
          } catch (error) {
            return (error as Error).name
          }
        }
        const register = await navigator.serviceWorker
          .register(`${appOrigin}/sw.js`, { scope: `${appOrigin}/` })
          .then(
            () => 'registered',
            (error: Error) => error.name,
          )
        localStorage.setItem('secret', 'demo')
        await caches
          .open('demo-private')
          .then((cache) => cache.put('/private', new Response('demo only')))
        return {
          names,
          parentDocument: tryIt(() => window.parent.document.title),
          parentLocation: tryIt(() => window.parent.location.href),
          topStorage: tryIt(() => (window.top as Window).localStorage.length),
          register,
        }
      }, relay.appOrigin)
      for (const name of appDatabases)
        ok(!probe.names.includes(name), `the site does not see the app's database ${name}`)
      deepEqual(
        { ...probe, names: undefined },
        {
          names: undefined,
          parentDocument: 'SecurityError',
          parentLocation: 'SecurityError',
          topStorage: 'SecurityError',
          register: 'SecurityError',
        },
      )
      const registrations = await page.evaluate(async () =>
        (await navigator.serviceWorker.getRegistrations()).map((r) => r.active?.scriptURL),
      )
      deepEqual(
        registrations,
        [relay.url('/sw.js')],
        'the app origin still has only its own worker',
      )

      await page.evaluate((address) => window.harness.show(address), `an://${OTHER}/`)
      const otherFrame = await siteFrame(page, other, 'h1')
      const seen = await otherFrame.evaluate(
        async (demoOrigin) => ({
          origin: location.origin,
          secret: localStorage.getItem('secret'),
          cache: await caches.has('demo-private'),
          demoContent: await fetch(`${demoOrigin}/style.css`).then(
            (r) => `HTTP ${r.status}`,
            (error: Error) => error.name,
          ),
        }),
        site,
      )
      deepEqual(seen, { origin: other, secret: null, cache: false, demoContent: 'TypeError' })
    }),
  )

  it(
    'renders a failure page a person understands for a name no one published',
    bounded(60_000, async () => {
      await page.evaluate((address) => window.harness.show(address), 'an://nosuchname:test/')
      const frame = await siteFrame(page, relay.siteOrigin('nosuchname:test'), 'h1', 45_000)
      const shown = await frame.evaluate(() => ({
        heading: document.querySelector('h1')?.textContent,
        error: document.documentElement.dataset.anError,
        // Nobody to retry: the app's own line offers to publish the name.
        retry: document.querySelector('a.primary')?.textContent ?? 'none',
        alert: document.querySelector('[role="alert"]') !== null,
        viewport: document.querySelector('meta[name="viewport"]') !== null,
      }))
      deepEqual(shown, {
        heading: 'Name not found',
        error: 'NameNotFoundError',
        retry: 'none',
        alert: true,
        viewport: true,
      })
      const event = await waitUntil('the failure document event', () =>
        page.evaluate(() => window.harness.documents.find((d) => d.site === 'nosuchname:test')),
      )
      deepEqual(
        { error: event.error, status: event.status },
        { error: 'NameNotFoundError', status: 404 },
      )
    }),
  )

  it(
    'sends a top-level visit to a site origin to the shell: the relay on a first visit, the worker after',
    bounded(60_000, async () => {
      const viewer = `${relay.appOrigin}/#/view/an://${SITE}/sub/?q=1`
      const stranger = await newPerson(browser)
      try {
        await stranger.page.goto(`${site}/sub/?q=1`)
        equal(stranger.page.url(), viewer, 'the relay redirects a first visit')
      } finally {
        await stranger.context.close()
      }
      // This browser has the site's worker now: it redirects even with the network gone.
      await context.setOffline(true)
      const tab = await context.newPage()
      try {
        const response = await tab.goto(`${site}/sub/?q=1`)
        equal(tab.url(), viewer)
        const redirect = response?.request().redirectedFrom()?.response()
        equal(
          await redirect?.then((r) => r?.fromServiceWorker()),
          true,
          'the site worker answered the redirect',
        )
      } finally {
        await tab.close()
        await context.setOffline(false)
      }
    }),
  )

  it(
    'opens a visited site with no network and no node from its offline copy, and says how old it is',
    bounded(60_000, async () => {
      await context.setOffline(true)
      try {
        await page.goto(relay.url(`${HARNESS_PATH}?peer=off`))
        await harnessReady(page)
        const before = Date.now()
        await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
        const frame = await siteFrame(page, site, 'h1')
        const seen = await frame.evaluate(async () => ({
          // Read once the page has loaded: its stylesheet may still be on its way.
          loaded:
            document.readyState === 'complete' ||
            (await new Promise((done) =>
              addEventListener('load', () => done(true), { once: true }),
            )),
          heading: document.querySelector('h1')?.textContent,
          color: getComputedStyle(document.querySelector('h1')!).color,
          ran: document.body.dataset.ran,
          header: (await fetch('/style.css')).headers.get('x-an-offline-copy'),
        }))
        equal(seen.heading, `Hello from ${SITE}`)
        deepEqual({ color: seen.color, ran: seen.ran }, { color: 'rgb(12, 34, 56)', ran: 'yes' })
        ok(
          seen.header !== null && Date.parse(seen.header) <= before,
          `the copy is dated (${seen.header})`,
        )
        const event = await waitUntil('the offline document event', () =>
          page.evaluate(() => window.harness.documents.find((d) => d.offlineCopy !== undefined)),
        )
        ok(Date.parse(event.offlineCopy!) <= before, 'the shell learns when the copy was made')
        await frame.click('#sub')
        await frame.waitForURL(`${site}/sub/`)
        equal(
          await frame.textContent('h1'),
          'Sub-folder page',
          'the folder redirect and the sub-folder page were kept too',
        )
        // A page never visited: the failure page, not a browser error.
        await frame.evaluate(() => (location.href = '/never-visited.html'))
        await frame.waitForURL(`${site}/never-visited.html`)
        await frame.waitForSelector('h1')
        equal(await frame.textContent('h1'), 'Your node is not running in this tab')
      } finally {
        await context.setOffline(false)
      }
      deepEqual(errors, [])
    }),
  )
})
