/**
 * Kept copies on the site origin, end to end (sw/site-cache.ts): a real relay serves the built
 * app; a harness page on the app origin runs the real peer, publishes a site and shows it
 * through the production bridge and site-origin service worker. A whole file the worker
 * delivered is kept in the origin's Cache Storage and a later fetch of it is answered from that
 * copy once the node confirms its version; a new version never is, nor a copy the site's own
 * script wrote under an earlier version. An origin that keeps no copies yet asks the node at once
 * (its first visit opens no cache of copies).
 * @module
 */
import type { Browser, Frame, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { DEFAULT_MEDIA_SIZE, DEMO_CSS } from './support/harness/demo-site.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, harnessReady, siteFrame } from './support/site-frame.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { deepEqual, equal, notEqual, ok } from '../support/assert.ts'

const SITE = 'kept:test'
/** A site this browser never showed before the last case. */
const FRESH_SITE = 'fresh:test'
/** The worker's cache of kept copies (sw/site-cache.ts). */
const KEPT = 'alternet-site-copies-v1'
/** The worker's cache of offline copies (sw/site/offline-copies.ts). */
const OFFLINE = 'alternet-offline-copies-v1'

/** What the site's own script sees of one fetch: its length, digest, ETag, root and mark. */
interface Fetched {
  status: number
  bytes: number
  sha256: string
  text: string
  etag: string | null
  root: string | null
  kept: string | null
}

async function fetchIn(frame: Frame, path: string): Promise<Fetched> {
  return frame.evaluate(async (path) => {
    const response = await fetch(path)
    const body = new Uint8Array(await response.arrayBuffer())
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
    return {
      status: response.status,
      bytes: body.length,
      sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      text: body.length < 1024 ? new TextDecoder().decode(body) : '',
      etag: response.headers.get('etag'),
      root: response.headers.get('x-an-root'),
      kept: response.headers.get('x-an-kept-copy'),
    }
  }, path)
}

/** The ETag of the kept copy of `path`, once the worker has written it. */
async function keptEtag(frame: Frame, path: string, etag?: string): Promise<string> {
  return waitUntil(`the kept copy of ${path}`, async () => {
    const found = await frame.evaluate(
      async ([name, path]) =>
        (await (await caches.open(name)).match(path))?.headers.get('etag') ?? undefined,
      [KEPT, path] as const,
    )
    return found !== undefined && (etag === undefined || found === etag) ? found : undefined
  })
}

describe('site origins: kept copies of whole files', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let page: Page
  let errors: string[]
  let site: string

  const publish = async (mediaSize: number): Promise<string> => {
    const published = await page.evaluate(
      ([site, size]) => window.harness.publishDemo(site, size),
      [SITE, mediaSize] as const,
    )
    ok(published.accepted >= 1, 'the relay stored the record')
    return published.root
  }

  before(
    bounded(120_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(dist)
      browser = await launchChromium()
      ;({ page, errors } = await newPerson(browser))
      site = relay.siteOrigin(SITE)
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      await publish(DEFAULT_MEDIA_SIZE)
      await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    'answers the second fetch of a file from the copy it kept, once the node confirms its version',
    bounded(60_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      const first = await fetchIn(frame, '/media.bin')
      equal(first.bytes, DEFAULT_MEDIA_SIZE)
      equal(first.kept, null, 'the first fetch comes from the node')
      await keptEtag(frame, '/media.bin', first.etag!)
      const asked = await page.evaluate(() => window.harness.asked.length)
      const second = await fetchIn(frame, '/media.bin')
      deepEqual(
        { bytes: second.bytes, sha256: second.sha256, etag: second.etag, kept: second.kept },
        { bytes: first.bytes, sha256: first.sha256, etag: first.etag, kept: first.etag },
        'the same bytes, from the kept copy',
      )
      // The node was asked once, for whether the copy is current (it reads no block for that).
      equal(await page.evaluate(() => window.harness.asked.length), asked + 1)
    }),
  )

  it(
    'keeps one copy of a file: an answer made from its kept copy is not kept again offline',
    bounded(60_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      await fetchIn(frame, '/style.css')
      const etag = await keptEtag(frame, '/style.css')
      for (let i = 0; i < 3; i++) equal((await fetchIn(frame, '/style.css')).kept, etag)
      // A second copy would be written as the answer streams; give it time to land, then look.
      const offline = async (): Promise<boolean> =>
        frame.evaluate(
          async ([name]) => (await (await caches.open(name)).match('/style.css')) !== undefined,
          [OFFLINE] as const,
        )
      for (let i = 0; i < 10; i++) {
        equal(await offline(), false, 'no offline copy beside the kept one')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }),
  )

  it(
    'fetches a new version anew and never answers it from the old copy',
    bounded(90_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      const old = await fetchIn(frame, '/media.bin')
      equal(old.kept, old.etag, 'the old version is kept')
      const newSize = DEFAULT_MEDIA_SIZE + 4096
      const root = await publish(newSize)
      const fresh = await fetchIn(frame, '/media.bin')
      deepEqual(
        { bytes: fresh.bytes, root: fresh.root, kept: fresh.kept },
        { bytes: newSize, root, kept: null },
        'the new version, from the node',
      )
      notEqual(fresh.etag, old.etag)
      // The copy follows the record: the new version is kept in its place.
      await keptEtag(frame, '/media.bin', fresh.etag!)
      const again = await fetchIn(frame, '/media.bin')
      deepEqual(
        { sha256: again.sha256, kept: again.kept },
        { sha256: fresh.sha256, kept: fresh.etag },
      )
    }),
  )

  it(
    'never serves what the site’s own script wrote into the cache to a visitor of another version',
    bounded(90_000, async () => {
      const frame = await siteFrame(page, site, 'h1')
      await fetchIn(frame, '/style.css')
      const etag = await keptEtag(frame, '/style.css')
      equal((await fetchIn(frame, '/style.css')).kept, etag, 'the stylesheet is kept')
      // The site's script rewrites the kept stylesheet, keeping every header the worker wrote.
      const forged = 'h1 { color: red; }\n'
      await frame.evaluate(
        async ([name, forged]) => {
          const cache = await caches.open(name)
          const copy = (await cache.match('/style.css'))!
          const headers = new Headers(copy.headers)
          headers.set('content-length', String(new TextEncoder().encode(forged).length))
          await cache.put('/style.css', new Response(forged, { status: 200, headers }))
        },
        [KEPT, forged] as const,
      )
      // A new version where the stylesheet did not change: same ETag, another root.
      await publish(DEFAULT_MEDIA_SIZE + 8192)
      const seen = await fetchIn(frame, '/style.css')
      deepEqual(
        { status: seen.status, text: seen.text, etag: seen.etag, kept: seen.kept },
        { status: 200, text: DEMO_CSS, etag, kept: null },
        'the stylesheet as published, from the node',
      )
      deepEqual(errors, [])
    }),
  )

  it(
    'asks the node at once while the origin keeps no copies, and keeps them from its first whole file',
    bounded(90_000, async () => {
      const other = relay.siteOrigin(FRESH_SITE)
      await page.evaluate(([site, size]) => window.harness.publishDemo(site, size), [
        FRESH_SITE,
        1024,
      ] as const)
      // A missing page first: nothing of it is kept, so only a search would make the cache.
      await page.evaluate((address) => window.harness.show(address), `an://${FRESH_SITE}/gone`)
      const frame = await siteFrame(page, other)
      const caches = (): Promise<string[]> => frame.evaluate(() => globalThis.caches.keys())
      ok(!(await caches()).includes(KEPT), 'no cache of kept copies was opened for the first visit')
      const first = await fetchIn(frame, '/style.css')
      equal(first.kept, null)
      await keptEtag(frame, '/style.css', first.etag!)
      equal((await fetchIn(frame, '/style.css')).kept, first.etag, 'then answered from its copy')
    }),
  )
})
