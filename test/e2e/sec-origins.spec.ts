/**
 * Origin hardening against a real relay serving the built app, in Chromium: the app's
 * documents carry a strict CSP with Trusted Types and `Origin-Agent-Cluster` (from the relay and
 * from the app's service worker), a site frame runs in a renderer process apart from the app's,
 * so a site spinning its thread does not hold up the app's timers, the reset page cannot wipe a
 * site's worker and offline copies without a click, nor be framed, nor be opened through the
 * viewer, and the build ships no source maps. docs/ORIGINS.md, "Headers".
 * @module
 */
import { readdir, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, controlled, harnessReady, siteFrame } from './support/site-frame.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'

const VICTIM = 'victim:sec'
const BUSY = 'busy:sec'
/** How long the busy site keeps its main thread: the app's timers must not wait that long. */
const SPIN_MS = 600
/** The app's probe timer period while the site spins. */
const TICK_MS = 20

/** Every file under `dir`, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
}

/** The response headers of a GET to `url` on the relay (`*.localhost` is asked on loopback). */
function headersOf(
  url: string,
  relayHttp: string,
): Promise<Record<string, string | string[] | undefined>> {
  const target = new URL(url)
  const { port } = new URL(relayHttp)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: target.pathname, headers: { host: target.host } },
      (res) => {
        res.resume()
        resolve(res.headers)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** What a site origin keeps: its workers and caches, read from its bridge frame. */
async function originState(frame: Frame): Promise<{ workers: number; caches: number }> {
  return frame.evaluate(async () => ({
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    caches: (await caches.keys()).length,
  }))
}

describe('origin hardening (Chromium)', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]

  before(
    bounded(150_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(dist)
      browser = await launchChromium()
      ;({ context, page, errors } = await newPerson(browser))
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      const published = await page.evaluate(
        ([a, b]) =>
          Promise.all([window.harness.publishDemo(a, 1024), window.harness.publishDemo(b, 1024)]),
        [VICTIM, BUSY],
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
    'ships no source maps',
    bounded(10_000, async () => {
      const files = await filesUnder(dist)
      deepEqual(
        files.filter((file) => file.endsWith('.map')),
        [],
      )
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        const text = await readFile(join(dist, file), 'utf8')
        ok(!text.includes('sourceMappingURL='), `${file} points at no source map`)
      }
    }),
  )

  it(
    "sends the app's CSP with Trusted Types and Origin-Agent-Cluster, and the app enforces it from the network and from its service worker",
    bounded(60_000, async () => {
      const headers = await headersOf(relay.url('/'), relay.relay.http)
      const csp = String(headers['content-security-policy'])
      for (const directive of [
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
      ])
        ok(csp.includes(directive), `the CSP has ${directive}: ${csp}`)
      equal(headers['origin-agent-cluster'], '?1')
      const bridge = await headersOf(
        `${relay.siteOrigin(VICTIM)}/__an/bridge.html`,
        relay.relay.http,
      )
      equal(bridge['origin-agent-cluster'], '?1')
      const reset = await headersOf(`${relay.siteOrigin(VICTIM)}/__an/reset.html`, relay.relay.http)
      equal(reset['x-frame-options'], 'DENY')
      ok(String(reset['content-security-policy']).includes("frame-ancestors 'none'"))

      const { page: app, context: appContext } = await newPerson(browser)
      try {
        const probe = () =>
          app.evaluate(() => {
            const attempt = (fn: () => void): string => {
              try {
                fn()
                return 'ran'
              } catch (error) {
                return (error as Error).name
              }
            }
            return {
              cluster: window.originAgentCluster,
              html: attempt(() => {
                document.createElement('div').innerHTML = '<img src=x>'
              }),
              inline: attempt(() => {
                const script = document.createElement('script')
                script.textContent = 'window.injected = true'
                document.head.append(script)
              }),
            }
          })
        // The node compiles its Noise cipher (WebAssembly) as it starts: the CSP must allow it.
        await app.addInitScript(() => {
          const w = window as unknown as { blockedByCsp: string[] }
          w.blockedByCsp = []
          document.addEventListener('securitypolicyviolation', (e) =>
            w.blockedByCsp.push(e.blockedURI),
          )
        })
        const network = await app.goto(relay.url('/#/view'))
        ok(network !== null && !network.fromServiceWorker())
        await app.locator('an-app[data-phase="running"]').waitFor({ timeout: 30_000 })
        deepEqual(
          await app.evaluate(() =>
            (window as unknown as { blockedByCsp: string[] }).blockedByCsp.filter(
              (uri) => uri === 'wasm-eval',
            ),
          ),
          [],
          'no WebAssembly compile was refused',
        )
        deepEqual(await probe(), {
          cluster: true,
          html: 'TypeError',
          inline: 'TypeError',
        })
        await controlled(app)
        const cached = await app.reload()
        ok(cached?.fromServiceWorker() === true, 'the reload came from the app service worker')
        ok((cached?.headers()['content-security-policy'] ?? '').includes("script-src 'self'"))
        await app.locator('an-app[data-phase="running"]').waitFor({ timeout: 30_000 })
        deepEqual(await probe(), {
          cluster: true,
          html: 'TypeError',
          inline: 'TypeError',
        })
      } finally {
        await appContext.close()
      }
    }),
  )

  it(
    "runs a site frame in its own renderer process, so a site's busy thread does not hold up the app's timers",
    bounded(90_000, async () => {
      const origin = relay.siteOrigin(BUSY)
      await page.evaluate((address) => window.harness.show(address), `an://${BUSY}/`)
      const frame = await siteFrame(page, origin, 'h1')
      equal(await frame.evaluate(() => window.originAgentCluster), true, 'site frame')
      equal(await page.evaluate(() => window.originAgentCluster), true, 'app page')
      // An out-of-process frame is a target of its own; a frame in the app's process is not.
      const cdp = await browser.newBrowserCDPSession()
      const { targetInfos } = (await cdp.send('Target.getTargets')) as {
        targetInfos: { type: string; url: string }[]
      }
      await cdp.detach()
      const ownProcess = targetInfos.some(
        (t) => t.type === 'iframe' && t.url.startsWith(`${origin}/`),
      )

      await page.evaluate((tick) => {
        const w = window as unknown as { gaps: number[]; timer: number }
        w.gaps = []
        let last = performance.now()
        w.timer = window.setInterval(() => {
          const now = performance.now()
          w.gaps.push(now - last)
          last = now
        }, tick)
      }, TICK_MS)
      const spun = await frame.evaluate((ms) => {
        const start = performance.now()
        while (performance.now() - start < ms) {
          /* the site keeps its thread */
        }
        return performance.now() - start
      }, SPIN_MS)
      const gaps = await page.evaluate(() => {
        const w = window as unknown as { gaps: number[]; timer: number }
        clearInterval(w.timer)
        return w.gaps
      })
      const longest = Math.max(...gaps)
      ok(spun >= SPIN_MS, 'the site spun')
      ok(
        ownProcess,
        `the site frame is a renderer of its own: ${JSON.stringify(targetInfos.map((t) => [t.type, t.url]))}`,
      )
      ok(
        longest < spun / 2,
        `the app's longest timer gap (${longest.toFixed(0)} ms) is well under the site's ${spun.toFixed(0)} ms spin`,
      )
    }),
  )

  it(
    "cannot be used to wipe a site's worker and offline copies: reset waits for a click, cannot be framed, and the viewer refuses /__an/ paths",
    bounded(90_000, async () => {
      const victim = relay.siteOrigin(VICTIM)
      await page.evaluate((address) => window.harness.show(address), `an://${VICTIM}/`)
      await siteFrame(page, victim, 'h1')
      const bridge = await waitUntil('the victim bridge frame', () =>
        page.frames().find((f) => f.url() === `${victim}/__an/bridge.html`),
      )
      const before = await waitUntil('the victim worker and its caches', async () => {
        const state = await originState(bridge)
        return state.workers === 1 && state.caches >= 1 ? state : undefined
      })

      // Opened on its own (a link, a popup): it waits for a click.
      const opened = await context.newPage()
      await opened.goto(`${victim}/__an/reset.html`)
      await opened.waitForSelector('body[data-state="ready"]', { timeout: 15_000 })
      deepEqual(await originState(bridge), before, 'nothing wiped without a click')
      await opened.close()

      // Framed by another site: the browser refuses to show it.
      const busy = await siteFrame(page, relay.siteOrigin(BUSY), 'h1').catch(async () => {
        await page.evaluate((address) => window.harness.show(address), `an://${BUSY}/`)
        return siteFrame(page, relay.siteOrigin(BUSY), 'h1')
      })
      await busy.evaluate((url) => {
        const frame = document.createElement('iframe')
        frame.id = 'attack'
        frame.src = url
        document.body.append(frame)
      }, `${victim}/__an/reset.html`)
      const framed = await waitUntil('the framed reset page to settle', () =>
        page
          .frames()
          .find(
            (f) =>
              f.url().startsWith(`${victim}/__an/reset.html`) ||
              f.url().startsWith('chrome-error:'),
          ),
      ).catch(() => undefined)
      if (framed !== undefined && framed.url().startsWith(victim))
        equal(
          await framed
            .evaluate(() => document.body?.dataset.state ?? 'none')
            .catch(() => 'blocked'),
          'blocked',
        )
      deepEqual(await originState(bridge), before, 'nothing wiped by a frame')

      // Through the app's viewer: refused before any frame loads it.
      const viewer = await context.newPage()
      const loaded: string[] = []
      viewer.on('framenavigated', (f) => {
        if (f !== viewer.mainFrame()) loaded.push(f.url())
      })
      await viewer.goto(relay.url(`/#/view/an://${VICTIM}/__an/reset.html`))
      await viewer.getByText('This address is not a page of the site').waitFor({ timeout: 30_000 })
      ok(!loaded.some((url) => url.includes('/__an/reset.html')), loaded.join(', '))
      deepEqual(await originState(bridge), before, 'nothing wiped through the viewer')
      await viewer.close()
      deepEqual(errors, [])
    }),
  )
})
