/**
 * The address bar's look-ahead gets a typed site ready before Go (real relay, real Chromium):
 * once it finds the name holds a site, the site's bridge opens and the node is asked for the
 * typed document at once; pressing Go then shows the site from that one answer, with no second
 * request for the document. The peer's `fetch` is watched, not replaced.
 */
import type { Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal } from '../support/assert.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { chooseName, openApp, publish, siteFrame, VIEW_MS } from './ui-support/app-page.ts'
import { writeSiteFolder } from './ui-support/site-folder.ts'

const TITLE = 'A site typed before Go'

/** Wraps the running peer's `fetch` so the page records each URL asked, and whether Go was pressed then. */
async function watchFetches(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Peer = { fetch(url: string, init?: { method?: string }): Promise<Response> }
    const app = document.querySelector('an-app') as unknown as { session: { peer: Peer } }
    const peer = app.session.peer
    const real = peer.fetch.bind(peer)
    const w = window as unknown as {
      fetches: { url: string; method: string; afterGo: boolean }[]
      goPressed?: boolean
    }
    w.fetches = []
    document.addEventListener('click', () => (w.goPressed = true), { capture: true, once: true })
    peer.fetch = (url, init = {}) => {
      w.fetches.push({ url, method: init.method ?? 'GET', afterGo: w.goPressed === true })
      return real(url, init)
    }
  })
}

describe('the address bar look-ahead readies a site (Chromium, a real relay)', () => {
  let session: AppSession

  before(async () => {
    session = await startAppSession()
  })

  after(async () => {
    await session?.close()
  })

  it(
    'asks for the typed document before Go, and Go shows the site from that answer',
    bounded(240_000, async () => {
      const { relay, browser } = session
      const folder = await writeSiteFolder(TITLE)
      const a = await newPerson(browser)
      const b = await newPerson(browser)
      try {
        await openApp(a.page, relay.appOrigin, '#/publish')
        await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
        await chooseName(a.page, 'typed', 'ahead', 'free')
        await publish(a.page)

        await openApp(b.page, relay.appOrigin, '#/view')
        await watchFetches(b.page)
        const bar = b.page.getByRole('textbox', { name: 'Address', exact: true })
        await bar.pressSequentially('an://typed:ahead/')
        await b.page
          .locator('an-address-lookahead [data-can-serve="yes"]')
          .waitFor({ timeout: VIEW_MS })
        // The early answer is in before Go is pressed.
        await b.page.waitForFunction(
          () => performance.getEntriesByName('an:warm-up', 'mark').length > 0,
          undefined,
          { timeout: VIEW_MS },
        )
        await b.page.getByRole('button', { name: 'Go', exact: true }).click()
        await siteFrame(b.page).locator('h1').waitFor({ timeout: VIEW_MS })
        equal(await siteFrame(b.page).locator('title').textContent(), TITLE)
        const fetches = await b.page.evaluate(
          () =>
            (window as unknown as { fetches: { url: string; method: string; afterGo: boolean }[] })
              .fetches,
        )
        deepEqual(
          fetches.filter((f) => f.url === 'an://typed:ahead/'),
          [{ url: 'an://typed:ahead/', method: 'GET', afterGo: false }],
          'the document was asked once, before Go',
        )
      } finally {
        await a.context.close()
        await b.context.close()
        await folder.remove()
      }
    }),
  )
})
