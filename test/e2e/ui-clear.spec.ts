/**
 * Clearing what a visitor's browser keeps, through the real app: two people (two browser
 * contexts), one real relay serving the built app. A publishes a site; B opens it, so B's node
 * keeps its blocks in the app's IndexedDB and the site origin's worker keeps offline copies in
 * that origin's Cache Storage. "Clear visited sites" in B's Settings then frees the blocks (and
 * says how many bytes) and empties the site origin too, through the origin's clear page, which
 * the relay serves with `Clear-Site-Data` to the app alone (docs/ORIGINS.md, "Clearing").
 * "Delete everything on this device" empties the site origins as well.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { formatBytes } from '../../src/ui/format.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  openSite,
  PUBLISH_MS,
  START_MS,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'
import { SCRIPT_TEXT, writeSiteFolder } from './ui-support/site-folder.ts'

const SITE = 'cleared:visitor'
const TITLE = 'A site the visitor clears'
/** The site worker's offline copies (sw/site/offline-copies.ts) and kept copies of whole files (sw/site-cache.ts). */
const OFFLINE_COPIES = 'alternet-offline-copies-v1'
const KEPT_COPIES = 'alternet-site-copies-v1'

interface Person {
  context: BrowserContext
  page: Page
  errors: string[]
}

/** What the browser keeps on a site origin, seen from a page of that origin. */
interface OriginState {
  caches: string[]
  /** Copies of both kinds: each serves offline. */
  offlineCopies: number
  /** Of those, kept copies of whole files. */
  keptCopies: number
  workers: number
  localStorage: number
}

/** B's kept blocks, read from the app's own IndexedDB in the app page. */
interface KeptBlocks {
  siteRows: number
  usage: { blocks: number; bytes: number }
}

async function keptBlocks(page: Page, site: string): Promise<KeptBlocks> {
  return page.evaluate(async (site) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('alternet')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    try {
      const tx = db.transaction(['site-blocks', 'meta'], 'readonly')
      const read = <T>(request: IDBRequest<T>): Promise<T> =>
        new Promise((resolve, reject) => {
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error)
        })
      const [siteRows, usage] = await Promise.all([
        read(tx.objectStore('site-blocks').count(IDBKeyRange.bound([site], [site, []]))),
        read(tx.objectStore('meta').get('blockUsage')) as Promise<
          { blocks: number; bytes: number } | undefined
        >,
      ])
      return { siteRows, usage: usage ?? { blocks: 0, bytes: 0 } }
    } finally {
      db.close()
    }
  }, site)
}

describe('clearing visited sites and everything (Chromium, through the app)', () => {
  let appDir = ''
  let relay: AppRelay
  let browser: Browser
  let a: Person
  let b: Person
  /** A page of B's on the site origin, to look at what the browser keeps there. */
  let probe: Page
  let origin = ''
  const folders: { remove(): Promise<void> }[] = []

  /**
   * Loads a page of the site origin in `probe` and reads its storage. It is the clear page
   * opened as a typed address (no Referer from the app): the relay refuses it and clears nothing.
   */
  const originState = async (): Promise<OriginState> => {
    const response = await probe.goto(`${origin}/__an/clear`)
    equal(response?.status(), 403, 'the clear page is refused to anything but the app')
    equal(response?.headers()['clear-site-data'], undefined, 'and clears nothing')
    return probe.evaluate(
      async ([offline, kept]) => {
        const keys = await caches.keys()
        const count = async (name: string): Promise<number> =>
          keys.includes(name) ? (await (await caches.open(name)).keys()).length : 0
        const keptCopies = await count(kept)
        return {
          caches: keys,
          offlineCopies: (await count(offline)) + keptCopies,
          keptCopies,
          workers: (await navigator.serviceWorker.getRegistrations()).length,
          localStorage: localStorage.length,
        }
      },
      [OFFLINE_COPIES, KEPT_COPIES] as const,
    )
  }

  /** B opens the site in the viewer and waits until it rendered and its copies (and, unless told not to, its blocks) are kept. */
  const visitSite = async (blocks = true): Promise<void> => {
    const frame = await openSite(b.page, `an://${SITE}`, TITLE)
    await frame.locator('#js', { hasText: SCRIPT_TEXT }).waitFor({ timeout: VIEW_MS })
    // The page, its stylesheet, script and image: four offline copies, and their blocks plus the manifest.
    await waitUntil(
      'the offline copies',
      async () => (await originState()).offlineCopies >= 4,
      VIEW_MS,
    )
    if (blocks)
      await waitUntil(
        'the kept blocks',
        async () => (await keptBlocks(b.page, SITE)).siteRows >= 5,
        VIEW_MS,
      )
  }

  before(
    bounded(240_000, async () => {
      appDir = await buildApp()
      relay = await startAppRelay(appDir)
      origin = relay.siteOrigin(SITE)
      browser = await launchChromium()
      a = await newPerson(browser)
      b = await newPerson(browser)
      probe = await b.context.newPage()
      const folder = await writeSiteFolder(TITLE)
      folders.push(folder)
      await openApp(a.page, relay.appOrigin, '#/publish')
      const [name, topic] = SITE.split(':')
      await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
      await a.page.getByText('5 files').waitFor()
      await chooseName(a.page, name, topic, 'free')
      await a.page.getByRole('button', { name: 'Publish', exact: true }).click()
      await a.page
        .locator('a[data-share]', { hasText: `an://${SITE}/` })
        .waitFor({ timeout: PUBLISH_MS })
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    await removeBuild(appDir)
    for (const folder of folders) await folder.remove()
  })

  it(
    'B clears visited sites: the kept blocks and the site origin’s offline copies, worker and storage are gone, and the app says what it freed',
    bounded(180_000, async () => {
      await openApp(b.page, relay.appOrigin)
      await visitSite()
      // Something the site itself stored on its origin.
      await probe.evaluate(() => localStorage.setItem('visited', 'yes'))
      const kept = await keptBlocks(b.page, SITE)
      const before = await originState()
      ok(kept.usage.bytes > 0, `blocks are kept (${JSON.stringify(kept)})`)
      ok(
        before.offlineCopies >= 4 &&
          before.keptCopies >= 4 &&
          before.workers === 1 &&
          before.localStorage === 1,
        `the site origin holds copies, a worker and storage (${JSON.stringify(before)})`,
      )

      const consoleLines: string[] = []
      b.page.on('console', (message) => consoleLines.push(message.text()))
      await goTo(b.page, 'Settings')
      // Storage speaks of sites and sizes, never of blocks.
      const storage = b.page.locator('an-settings-page section[aria-labelledby="storage"]')
      await storage
        .locator('[data-visited-sites]')
        .getByText(`${formatBytes(kept.usage.bytes)}, kept so they open again at once`)
        .waitFor({ timeout: START_MS })
      equal((await storage.locator('[data-own-sites]').textContent())?.trim(), 'none kept here')
      ok(!/\bblocks?\b/i.test(await storage.innerText()), 'the Storage card speaks of blocks')
      await b.page.getByRole('button', { name: 'Clear visited sites' }).click()
      const status = b.page.getByRole('status').filter({ hasText: 'Freed' })
      await status.waitFor({ timeout: 60_000 })
      // B hosts nothing: every kept byte was the visited site's.
      equal((await status.textContent())?.trim(), `Freed ${formatBytes(kept.usage.bytes)}.`)
      await storage
        .locator('[data-visited-sites]')
        .getByText('none kept', { exact: true })
        .waitFor({ timeout: START_MS })

      deepEqual(await keptBlocks(b.page, SITE), { siteRows: 0, usage: { blocks: 0, bytes: 0 } })
      deepEqual(await originState(), {
        caches: [],
        offlineCopies: 0,
        keptCopies: 0,
        workers: 0,
        localStorage: 0,
      })
      equal(
        await b.page.locator('iframe[title^="Clearing"]').count(),
        0,
        'the clear frames are gone',
      )
      // Chromium itself honoured the header (the page's own script is only the fallback).
      ok(
        consoleLines.some((line) => line.includes('Cleared data types: "cache", "storage"')),
        `Chromium cleared the origin (${consoleLines.join(' | ')})`,
      )

      // The site still opens afterwards, live from A, and its origin keeps copies again.
      await visitSite(false)
      equal(b.errors.length, 0, `no page errors: ${b.errors.join('; ')}`)
    }),
  )

  it(
    'B deletes everything on this device: the site origin is emptied too',
    bounded(180_000, async () => {
      await openApp(b.page, relay.appOrigin)
      ok((await originState()).offlineCopies >= 4, 'the site origin holds offline copies')

      await goTo(b.page, 'Settings')
      b.page.once('dialog', (dialog) => void dialog.accept())
      await Promise.all([
        b.page.waitForEvent('load', { timeout: 60_000 }),
        b.page.getByRole('button', { name: 'Delete everything on this device' }).click(),
      ])
      await waitForPhase(b.page, 'running')
      deepEqual(await originState(), {
        caches: [],
        offlineCopies: 0,
        keptCopies: 0,
        workers: 0,
        localStorage: 0,
      })
      deepEqual(await keptBlocks(b.page, SITE), { siteRows: 0, usage: { blocks: 0, bytes: 0 } })
      equal(b.errors.length, 0, `no page errors: ${b.errors.join('; ')}`)
    }),
  )
})
