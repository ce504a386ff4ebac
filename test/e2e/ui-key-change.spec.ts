/**
 * A site's origin is not left to a new holder: when the person accepts a changed owner key in
 * the viewer, the app first wipes what the earlier holder's site stored on that origin (local
 * storage, cookies, IndexedDB, its worker and offline copies), so the new holder's code starts on
 * an empty origin. Real relay, built app, Chromium; the key change is made by pinning another
 * key for the name in the visitor's store, as if the name had been first seen under it (the
 * relay keeps a name with its first holder, so a real change of holder takes days).
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded, siteFrame } from './support/site-frame.ts'
import {
  chooseName,
  openApp,
  publish,
  showNameDetails,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'

const SITE = 'holder:keys'

/** Shows what an earlier visit left on the origin, then leaves some of its own. */
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Holder</title></head>
<body>
  <h1>A site that remembers</h1>
  <p id="left">checking</p>
  <script>
    const found = [localStorage.getItem('left-by') ?? 'no storage', document.cookie.includes('left-by=') ? 'cookie' : 'no cookie']
    document.getElementById('left').textContent = found.join(', ')
    localStorage.setItem('left-by', 'earlier holder')
    document.cookie = 'left-by=earlier-holder; Path=/; Max-Age=3600'
  </script>
</body>
</html>
`

describe('accepting a changed owner key (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser
  let work = ''

  before(async () => {
    session = await startAppSession()
    ;({ relay, browser } = session)
    work = await mkdtemp(join(tmpdir(), 'an-ui-keys-'))
  })

  after(async () => {
    await session?.close()
    await rm(work, { recursive: true, force: true })
  })

  it(
    "wipes the site's origin before the new holder's site is shown",
    bounded(240_000, async () => {
      const folder = join(work, 'holder')
      await mkdir(folder, { recursive: true })
      await writeFile(join(folder, 'index.html'), PAGE)
      const publisher = await newPerson(browser)
      const visitor = await newPerson(browser)
      try {
        const [name, topic] = SITE.split(':')
        await openApp(publisher.page, relay.appOrigin, '#/publish')
        await publisher.page.getByLabel('Folder', { exact: true }).setInputFiles(folder)
        await publisher.page.getByText(/^1 file, /).waitFor()
        await chooseName(publisher.page, name, topic, 'free')
        equal((await publish(publisher.page)).address, `an://${SITE}/`)

        const { page } = visitor
        await openApp(page, relay.appOrigin)
        await visit(page, SITE)
        const first = await siteFrame(page, relay.siteOrigin(SITE), '#left', VIEW_MS)
        await first.locator('#left', { hasText: 'no storage' }).waitFor({ timeout: VIEW_MS })

        // The name was first seen under another key: the next look-up finds a changed key.
        await page.evaluate(async (site) => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const open = indexedDB.open('alternet')
            open.onsuccess = () => resolve(open.result)
            open.onerror = () => reject(open.error)
          })
          await new Promise<void>((resolve, reject) => {
            const tx = db.transaction(['pins', 'records'], 'readwrite')
            const holder = crypto.getRandomValues(new Uint8Array(32))
            tx.objectStore('pins').put(
              { root: site, holder, pinnedAt: Date.now(), replaced: false },
              site,
            )
            tx.objectStore('records').delete(site)
            tx.oncomplete = () => resolve()
            tx.onerror = () => reject(tx.error)
          })
          db.close()
        }, SITE)
        // A fresh start of the app (a new node reads the store anew).
        await page.goto('about:blank')
        await openApp(page, relay.appOrigin)
        await visit(page, SITE)
        await showNameDetails(page)
        const trust = page.getByRole('button', { name: 'Trust the new owner key' })
        await trust.waitFor({ timeout: VIEW_MS })
        await trust.click()

        const after = await siteFrame(page, relay.siteOrigin(SITE), '#left', VIEW_MS)
        await after.locator('#left', { hasNotText: 'checking' }).waitFor({ timeout: VIEW_MS })
        equal(
          await after.locator('#left').textContent(),
          'no storage, no cookie',
          "nothing of the earlier holder's site is left on the origin",
        )
        deepEqual(visitor.errors, [])
      } finally {
        await publisher.context.close()
        await visitor.context.close()
      }
    }),
  )
})
