/**
 * A visitor who helps host is one more source, end to end: one real relay that mirrors nothing
 * (`--mirror-policy none`), real Chromium contexts. A publishes a folder site through the app.
 * B ticks "Help host the sites I visit" in Settings, opens the site (only some of its files),
 * and Settings then says B serves it (B fetched the rest and holds it whole). A closes its
 * context: the publisher is gone and no mirror holds the site. C, fresh, reads every file
 * byte-identical, and "About this name" names "A visitor's browser" as a source. B unticks the
 * setting; D, fresh, cannot open the site: B serves nothing any more.
 */
import type { Browser, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, match, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { readFiles, sha256 } from './support/file-digests.ts'
import { bounded, siteFrame } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  publish,
  showNameDetails,
  siteFrame as viewerFrame,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'
import { siteFiles, writeSiteFolder } from './ui-support/site-folder.ts'

const SITE = 'helped:code'
/** Time for a fresh visitor to find the helper (DHT providers) and read every file. */
const READ_MS = 120_000

async function setHelping(page: Page, on: boolean): Promise<void> {
  await goTo(page, 'Settings')
  const box = page.getByLabel('Help host the sites I visit')
  if (on) await box.check()
  else await box.uncheck()
}

describe('a visitor who helps host serves the site (Chromium, a relay that mirrors nothing)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession(['--mirror-policy', 'none'])
    ;({ relay, browser } = session)
  })

  after(() => session?.close())

  it(
    'B, who opted in, serves C every file byte-identical with the publisher gone; off, B serves nothing',
    bounded(420_000, async () => {
      const folder = await writeSiteFolder()
      const files = siteFiles()
      const paths = Object.keys(files)
      const expected: Record<string, { sha256: string; size: number; status: number }> = {}
      for (const [path, content] of Object.entries(files)) {
        const bytes = typeof content === 'string' ? Buffer.from(content) : content
        expected[path] = { sha256: sha256(bytes), size: bytes.length, status: 200 }
      }
      const a = await newPerson(browser)
      const b = await newPerson(browser)
      const c = await newPerson(browser)
      const d = await newPerson(browser)
      try {
        await openApp(a.page, relay.appOrigin, '#/publish')
        await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
        await a.page.getByText(`${paths.length} files`).waitFor()
        await chooseName(a.page, 'helped', 'code', 'free')
        await publish(a.page)

        // B opts in, opens the site (the page and what it loads, not the sub-folder page).
        await openApp(b.page, relay.appOrigin)
        await setHelping(b.page, true)
        await visit(b.page, SITE)
        await siteFrame(b.page, relay.siteOrigin(SITE), 'h1', VIEW_MS)
        await goTo(b.page, 'Settings')
        await b.page
          .locator('[data-helped]', { hasText: `Serving 1 site: ${SITE}.` })
          .waitFor({ timeout: VIEW_MS })

        // The publisher is gone; no relay mirrors the site.
        await a.context.close()

        await openApp(c.page, relay.appOrigin)
        await visit(c.page, SITE)
        const frame = await siteFrame(c.page, relay.siteOrigin(SITE), 'h1', READ_MS)
        const seen = await readFiles(frame, paths)
        for (const path of paths) deepEqual(seen[path], expected[path], `C reads ${path}`)
        await showNameDetails(c.page)
        const sources = c.page.locator('an-name-details [data-sources]')
        await sources.locator('[data-can-serve]').waitFor({ timeout: VIEW_MS })
        const said = (await sources.innerText()).trim()
        match(said, /Yes: 1 visitor’s browser can serve it\./)
        match(said, /A visitor’s browser \(answering now\)/)
        ok(!/12D3Koo\w{20,}/.test(said), `no whole peer ID in "${said}"`)

        // B turns it off: D, fresh, finds no one to serve the site.
        await setHelping(b.page, false)
        await b.page.locator('[data-helped]').waitFor({ state: 'detached', timeout: VIEW_MS })
        await openApp(d.page, relay.appOrigin)
        await visit(d.page, SITE)
        await viewerFrame(d.page)
          .locator('html[data-an-failure="no-host"]')
          .waitFor({ timeout: READ_MS })
      } finally {
        for (const p of [a, b, c, d]) await p.context.close().catch(() => undefined)
        await folder.remove()
      }
    }),
  )
})
