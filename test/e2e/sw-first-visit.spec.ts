/**
 * A site's first visit asks the relay for the site worker's script once: the registration
 * fetches it, and the bridge does not ask for an update of the worker it has just installed.
 * A later bridge, loaded under the installed worker, still checks for a newer one. A real relay
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
import { siteOrigin } from '../../src/origins/shared/site-origin.ts'
import { SITE_SW_PATH } from '../../src/origins/shared/constants.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'

const SITE = 'first:visit'

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

describe('site origins: the first visit fetches the site worker once', () => {
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
      const published = await page.evaluate((s) => window.harness.publishDemo(s, 1024), SITE)
      ok(published.accepted >= 1, 'the relay stored the record')
    }),
  )

  after(async () => {
    await browser?.close()
    proxy?.server.close()
    await relay?.stop()
    if (dist !== undefined) await removeBuild(dist)
  })

  it(
    'asks for site-sw.js once on the first visit, and once more from a later bridge',
    bounded(90_000, async () => {
      const origin = siteOrigin(SITE, appOrigin)
      const workerKey = `${new URL(origin).host}${SITE_SW_PATH}`
      await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
      await siteFrame(page, origin, 'h1')
      equal(proxy.seen.get(workerKey), 1, 'the first visit fetched the site worker once')

      // A new bridge (the app reloaded) loads under the installed worker: it asks for an update.
      await page.reload()
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      await page.evaluate((address) => window.harness.show(address), `an://${SITE}/`)
      await siteFrame(page, origin, 'h1')
      await waitUntil(
        'the later bridge asked for a newer site worker',
        () => ((proxy.seen.get(workerKey) ?? 0) >= 2 ? true : undefined),
        15_000,
      )
      equal(proxy.seen.get(workerKey), 2, 'one update check, by the later bridge')
    }),
  )
})
