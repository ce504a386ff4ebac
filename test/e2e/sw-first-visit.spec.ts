/**
 * A site's first visit asks the relay for the site worker's script once: the registration
 * fetches it, and the bridge does not ask for an update of the worker it has just installed.
 * The bridge page holds its own script: the site origin is asked for no other.
 * A later bridge, loaded under the installed worker, still checks for a newer one. With
 * `warmUp`, the bridge host asks the node for the document as soon as the site is shown, and
 * the site worker's request for it is answered with that one answer. A real relay
 * serves the built app through a pass-through HTTP proxy that counts what the browser asks of
 * each origin; the harness page runs the real peer, bridge host, bridge page and site worker.
 * @module
 */
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, harnessReady, siteFrame } from './support/site-frame.ts'
import { requestAnUrl, siteOrigin } from '../../src/origins/shared/site-origin.ts'
import { BRIDGE_PATH, SITE_SW_PATH } from '../../src/origins/shared/constants.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'

const SITE = 'first:visit'
const EARLY = 'early:visit'

/** A proxy in front of the relay's HTTP port that counts requests by host and path. */
async function countingProxy(target: URL): Promise<{ server: Server; seen: Map<string, number> }> {
  const seen = new Map<string, number>()
  const server = createServer((req, res) => {
    const key = `${req.headers.host ?? ''}${new URL(req.url ?? '/', 'http://x').pathname}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, seen }
}

describe('site origins: a first visit', () => {
  let dist: string
  let relay: AppRelay
  let browser: Browser
  let page: Page
  let proxy: { server: Server; seen: Map<string, number> }
  let appOrigin: string

  before(
    bounded(120_000, async () => {
      dist = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(dist)
      proxy = await countingProxy(new URL(relay.relay.http))
      appOrigin = `http://an.localhost:${(proxy.server.address() as AddressInfo).port}`
      browser = await launchChromium()
      ;({ page } = await newPerson(browser))
      await page.goto(`${appOrigin}${HARNESS_PATH}`)
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      const published = await page.evaluate(
        ([a, b]) =>
          Promise.all([window.harness.publishDemo(a, 1024), window.harness.publishDemo(b, 1024)]),
        [SITE, EARLY],
      )
      ok(
        published.every((p) => p.accepted >= 1),
        'the relay stored both records',
      )
    }),
  )

  after(async () => {
    await browser?.close()
    proxy?.server.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    'asks for site-sw.js once until the document shows, and looks for a newer one later',
    bounded(90_000, async () => {
      const origin = siteOrigin(SITE, appOrigin)
      const workerKey = `${new URL(origin).host}${SITE_SW_PATH}`
      await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
      await siteFrame(page, origin, 'h1')
      // (The browser itself looks for a newer worker about a second after a navigation the
      // worker answered: that is after the document shows.)
      equal(proxy.seen.get(workerKey), 1, 'the first visit fetched the site worker once')
      // The bridge page holds its script (allowed by its hash): no second request for it.
      const host = new URL(origin).host
      ok(proxy.seen.has(`${host}${BRIDGE_PATH}`), 'the bridge page was asked for')
      deepEqual(
        [...proxy.seen.keys()].filter(
          (key) => key.startsWith(`${host}/__an/`) && key.endsWith('.js'),
        ),
        [workerKey],
        'no script asked of the site origin but the worker',
      )

      // A new bridge (the app reloaded) loads under the installed worker: a newer worker is
      // still looked for (by the bridge, and by the browser after a controlled navigation).
      await page.reload()
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
      await siteFrame(page, origin, 'h1')
      await waitUntil(
        'a newer site worker looked for',
        () => ((proxy.seen.get(workerKey) ?? 0) >= 2 ? true : undefined),
        15_000,
      )
    }),
  )

  it(
    'asks the node for the document once, before the bridge is ready, and shows it',
    bounded(90_000, async () => {
      // A fresh visitor: no site worker, no bridge; the bridge host asks early (warm-up).
      const visitor = await newPerson(browser)
      try {
        await visitor.page.goto(`${appOrigin}${HARNESS_PATH}?warm-up`)
        await harnessReady(visitor.page)
        await visitor.page.evaluate(() => window.harness.startPeer())
        const address = `an://${EARLY}/`
        await visitor.page.evaluate((a) => window.harness.show(a), address)
        const frame = await siteFrame(visitor.page, siteOrigin(EARLY, appOrigin), 'h1')
        equal(await frame.title(), `Demo ${EARLY}`)
        const asked = await visitor.page.evaluate(() => window.harness.asked)
        const document = requestAnUrl(EARLY, '/')
        deepEqual(
          asked.filter((a) => a.url === document),
          [{ method: 'GET', url: document, bridgeReady: false }],
          'one GET of the document, asked while the bridge loaded',
        )
        deepEqual(
          asked.filter((a) => a.method !== 'GET'),
          [],
          'nothing but GETs',
        )
      } finally {
        await visitor.context.close()
      }
    }),
  )
})
