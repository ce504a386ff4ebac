/**
 * A browser with JavaScript off reads a site through the relay's HTTP gateway: Chromium (its
 * host resolver maps `*.alt` to the relay) opens `http://<origin label>.alt:<port>/`, and the
 * page shows with its stylesheet applied and its image decoded; its folder link follows the
 * gateway's 301. Real relay process, a Node peer hosting the site, real Chromium.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { GATEWAY_FILES, HEADING_COLOUR } from '../relay/support/gateway-site.ts'
import { uniqueName } from '../relay/support/records.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { startPublisher, type SitePublisher } from '../relay/support/site-publisher.ts'
import { CHROMIUM_ARGS, chromiumPath } from './support/browser.ts'

describe('the gateway in a browser with JavaScript off', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const site = uniqueName('gwnojs')

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r`, ['--mirror-policy', 'none'])
    publisher = await startPublisher([relay.tcp])
    await publisher.publish(site, GATEWAY_FILES)
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP *.alt 127.0.0.1'],
    })
    context = await browser.newContext({ javaScriptEnabled: false })
    page = await context.newPage()
  })

  after(async () => {
    await context?.close()
    await browser?.close()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('shows the page with its stylesheet and its image', async () => {
    const port = new URL(relay.http).port
    const url = `http://${toOriginLabel(site)}.alt:${port}/`
    const loaded: string[] = []
    page.on('response', (res) => loaded.push(`${res.status()} ${new URL(res.url()).pathname}`))
    const res = await page.goto(url, { waitUntil: 'load' })
    equal(res?.status(), 200)
    equal(await page.title(), 'Gateway page', 'the page script that renames it did not run')
    const colour = await page.$eval('#title', (h) => getComputedStyle(h).color)
    equal(colour, HEADING_COLOUR, 'the stylesheet applies')
    const image = await page.$eval('#picture', (img) => ({
      complete: (img as HTMLImageElement).complete,
      width: (img as HTMLImageElement).naturalWidth,
      height: (img as HTMLImageElement).naturalHeight,
    }))
    equal(image.complete, true)
    equal(image.width, 8, `the image decoded (${loaded.join(', ')})`)
    equal(image.height, 6)
    ok(loaded.includes('200 /style.css') && loaded.includes('200 /img.png'), loaded.join(', '))
  })

  it("follows a folder link through the gateway's 301 to the folder's index", async () => {
    await page.click('a[href="docs"]')
    await page.waitForURL(/\/docs\/$/)
    equal(await page.title(), 'Docs')
  })
})
