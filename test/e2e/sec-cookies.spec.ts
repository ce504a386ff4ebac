/**
 * A site cannot knock the relay's HTTP out with cookies on the app's parent domain: a site frame
 * fills the browser's cookie jar for `Domain=an.localhost` (as many cookies, as large, as
 * Chromium keeps), and the app's page, the relay's endpoints and another site's bridge still
 * load. Real relay, built app, Chromium. README.md, "From a real domain".
 * @module
 */
import type { Browser, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson } from './support/browser.ts'
import { bounded, harnessReady, siteFrame } from './support/site-frame.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { deepEqual, ok } from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'

const ATTACKER = 'cookies:sec'
const OTHER = 'victim:sec'
/** Cookies Chromium keeps per domain, and the largest name + value it accepts. */
const COOKIES = 180
const COOKIE_BYTES = 4000
/**
 * Node's default limit on a request head (16 KiB), over which a relay with default settings
 * answers 431. Chromium keeps fewer than COOKIES of these at times (it evicts by its own rules),
 * so the spec needs only several times this much to reach the page.
 */
const NODE_DEFAULT_HEADER_BYTES = 16 * 1024

describe('parent-domain cookies from a site (Chromium)', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let page: Page

  before(
    bounded(150_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(dist)
      browser = await launchChromium()
      ;({ page } = await newPerson(browser))
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      const published = await page.evaluate(
        ([a, b]) =>
          Promise.all([window.harness.publishDemo(a, 1024), window.harness.publishDemo(b, 1024)]),
        [ATTACKER, OTHER],
      )
      ok(published.every((p) => p.accepted >= 1))
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    "leaves the app, the relay's endpoints and other sites' bridges working",
    bounded(120_000, async () => {
      await page.evaluate((address) => window.harness.show(address), `an://${ATTACKER}/`)
      const attacker = await siteFrame(page, relay.siteOrigin(ATTACKER), 'h1')
      const parent = new URL(relay.appOrigin).hostname
      await attacker.evaluate(
        ([count, bytes, domain]) => {
          for (let i = 0; i < count; i++)
            document.cookie = `c${i}=${'x'.repeat(bytes)}; Domain=${domain}; Path=/; Max-Age=3600`
        },
        [COOKIES, COOKIE_BYTES, parent] as const,
      )
      // The site's cookie writes reach the browser's cookie store, and so the app, a moment later.
      await eventually('the site’s cookies to reach the app’s domain', async () =>
        (await page.evaluate(() => document.cookie.length)) > 4 * NODE_DEFAULT_HEADER_BYTES
          ? true
          : undefined,
      )

      const statuses = await page.evaluate(async () => {
        const status = async (path: string) =>
          (await fetch(path, { credentials: 'include', cache: 'no-store' })).status
        return {
          app: await status('/'),
          wellKnown: await status('/.well-known/alternet.json'),
          revocations: await status('/revocations/nothing%3Asec'),
          worker: await status('/sw.js'),
        }
      })
      deepEqual(statuses, { app: 200, wellKnown: 200, revocations: 404, worker: 200 })

      // Another site's bridge page and worker load from the relay, cookies and all.
      await page.evaluate((address) => window.harness.show(address), `an://${OTHER}/`)
      await siteFrame(page, relay.siteOrigin(OTHER), 'h1')
    }),
  )
})
