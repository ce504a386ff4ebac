/**
 * A visitor's view when the network or the host goes away, through the real app: two people
 * (two browser contexts), one real relay serving the built app. A publishes two sites; B opens
 * one of them. B then goes offline and reopens it: the app shell starts from its precache, the
 * node answers from the blocks and the record it kept and marks the answer as an offline copy,
 * and the app says so above the frame, with the copy's date and age (the site worker's own
 * Cache Storage copy stands in only when the node cannot answer: docs/ORIGINS.md, checked in
 * sw-site.spec.ts).
 * Once A has closed its tab, B asks for A's other site, which it never opened, and gets the
 * "No host reachable" page in the frame, with "Try again".
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  openApp,
  PUBLISH_MS,
  siteFrame,
  START_MS,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'
import { HEADING_COLOUR, SCRIPT_TEXT, writeSiteFolder } from './ui-support/site-folder.ts'

/** The site B opens while A is there. */
const VISITED = 'visited:visitor'
const VISITED_TITLE = 'A site the visitor opened'
/** The site B never opens until A is gone. */
const UNSEEN = 'unseen:visitor'
const UNSEEN_TITLE = 'A site the visitor never opened'

interface Person {
  context: BrowserContext
  page: Page
  errors: string[]
}

/** Publishes the folder `dir` as `name:topic` from A's publish screen (already open). */
async function publishFolder(page: Page, dir: string, site: string): Promise<void> {
  const [name, topic] = site.split(':')
  await page.getByLabel('Folder', { exact: true }).setInputFiles(dir)
  await page.getByText('5 files').waitFor()
  await chooseName(page, name, topic, 'free')
  await page.getByRole('button', { name: 'Publish', exact: true }).click()
  await page.locator('a[data-share]', { hasText: `an://${site}/` }).waitFor({ timeout: PUBLISH_MS })
}

describe('a visitor when the network or the host is gone (Chromium, through the app)', () => {
  let appDir = ''
  let relay: AppRelay
  let browser: Browser
  let a: Person
  let b: Person
  const folders: { remove(): Promise<void> }[] = []

  before(
    bounded(240_000, async () => {
      appDir = await buildApp()
      // A relay that mirrors nothing: these specs judge what a visitor sees when no host is left.
      relay = await startAppRelay(appDir, ['--mirror-policy', 'none'])
      browser = await launchChromium()
      a = await newPerson(browser)
      b = await newPerson(browser)
      const visited = await writeSiteFolder(VISITED_TITLE)
      const unseen = await writeSiteFolder(UNSEEN_TITLE)
      folders.push(visited, unseen)
      await openApp(a.page, relay.appOrigin, '#/publish')
      await publishFolder(a.page, visited.dir, VISITED)
      await publishFolder(a.page, unseen.dir, UNSEEN)
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    await removeBuild(appDir)
    for (const folder of folders) await folder.remove()
  })

  it(
    'B goes offline and reopens a site it visited: the app starts, the site renders, styled and scripted, from this device, and the app says it is an offline copy and how old',
    bounded(150_000, async () => {
      await openApp(b.page, relay.appOrigin)
      const visitedFrom = await b.page.evaluate(() => Date.now())
      await visit(b.page, `an://${VISITED}`)
      const frame = siteFrame(b.page)
      await frame.locator('h1', { hasText: VISITED_TITLE }).waitFor({ timeout: VIEW_MS })
      await frame.locator('#js', { hasText: SCRIPT_TEXT }).waitFor({ timeout: VIEW_MS })
      equal(
        await b.page.getByText(/Offline copy from/).count(),
        0,
        'a live visit is not called an offline copy',
      )

      /** A new load of the app at the site (not a change of hash): the tab's node restarts. */
      const reopen = async (): Promise<void> => {
        await b.page.goto('about:blank')
        await b.page.goto(`${relay.appOrigin}/#/view/an://${VISITED}/`)
        await b.page.locator('an-app[data-phase="running"]').waitFor({ timeout: START_MS })
      }
      const styledAndScripted = async (): Promise<void> => {
        const heading = frame.locator('h1', { hasText: VISITED_TITLE })
        await heading.waitFor({ timeout: VIEW_MS })
        equal(
          // Read once the page has loaded: its stylesheet may still be on its way.
          await heading.evaluate(async (h) => {
            if (document.readyState !== 'complete')
              await new Promise((done) => addEventListener('load', done, { once: true }))
            return getComputedStyle(h).color
          }),
          HEADING_COLOUR,
          'the stylesheet is there too',
        )
        await frame.locator('#js', { hasText: SCRIPT_TEXT }).waitFor({ timeout: VIEW_MS })
      }

      // The app registers its worker once its node runs, and the worker is active once it has
      // cached the app (Settings then says "Ready to start offline"). Before that, a person
      // going offline would have no app to start.
      await b.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
      await b.context.setOffline(true)
      try {
        // The app shell starts from its precache; the node answers from the blocks it kept.
        await reopen()
        const network = await b.page.evaluate(
          (url) =>
            fetch(url, { cache: 'no-store' }).then(
              (r) => `HTTP ${r.status}`,
              (error: Error) => error.name,
            ),
          relay.url('/health'),
        )
        equal(network, 'TypeError', 'the app page has no network')
        await styledAndScripted()
        // Above the frame, in the app: an offline copy, from when, and how old.
        const notice = b.page.getByRole('status').filter({ hasText: /Offline copy from/ })
        await notice.waitFor({ timeout: VIEW_MS })
        const text = (await notice.textContent())?.replace(/\s+/g, ' ') ?? ''
        ok(
          /\((less than a minute|\d+ minutes?) old\)/.test(text),
          `the notice says how old the copy is: "${text}"`,
        )
        const when = Date.parse((await notice.locator('time').getAttribute('datetime')) ?? '')
        const now = await b.page.evaluate(() => Date.now())
        ok(
          when >= visitedFrom && when <= now,
          `the copy is dated from the live visit (${new Date(when).toISOString()})`,
        )
        equal(
          await siteFrame(b.page)
            .getByText(/Offline copy from/)
            .count(),
          0,
          'the notice is the app’s, outside the site',
        )
      } finally {
        await b.context.setOffline(false)
      }
      equal(b.errors.length, 0, `no page errors: ${b.errors.join('; ')}`)
    }),
  )

  it(
    'A closes its tab; B asks for a site of A it never opened and gets "No host reachable" with "Try again"',
    bounded(150_000, async () => {
      await a.page.close()
      await openApp(b.page, relay.appOrigin)
      await visit(b.page, `an://${UNSEEN}`)
      const frame = siteFrame(b.page)
      const heading = frame.locator('h1')
      await frame.locator('html[data-an-failure]').waitFor({ timeout: 90_000 })
      const shown = await frame.locator('html').evaluate((root) => ({
        failure: root.dataset.anFailure,
        heading: document.querySelector('h1')?.textContent,
        alert:
          document
            .querySelector('[role="alert"]')
            ?.textContent?.includes('no computer holding this site’s content answered') ?? false,
        retry: document.querySelector('a.primary')?.textContent,
        retryHref: document.querySelector('a.primary')?.getAttribute('href'),
        openInApp: [...document.querySelectorAll('a')].some(
          (link) => link.textContent === 'Open in Alternet',
        ),
        error: root.dataset.anError,
      }))
      ok(
        [
          'HostUnreachableError',
          'RouteStatusError',
          'RouteProtocolError',
          'BlockGoneError',
        ].includes(shown.error ?? ''),
        `a host error (${shown.error})`,
      )
      deepEqual(
        { ...shown, error: undefined },
        {
          failure: 'no-host',
          heading: 'No host reachable',
          alert: true,
          retry: 'Try again',
          retryHref: '/',
          openInApp: false,
          error: undefined,
        },
      )
      equal(
        await b.page.getByText(/Offline copy from/).count(),
        0,
        'no offline copy stands in for a site never visited',
      )
      await b.page.locator(`[data-error="${shown.error}"]`).waitFor({ timeout: VIEW_MS })

      // "Try again" asks again, and with A still gone, says the same.
      await frame.locator('html').evaluate((root) => (root.dataset.seen = 'yes'))
      await frame.getByRole('link', { name: 'Try again' }).click()
      await frame
        .locator('html[data-an-failure="no-host"]:not([data-seen])')
        .waitFor({ timeout: 90_000 })
      equal(await heading.textContent(), 'No host reachable')
      equal(b.errors.length, 0, `no page errors: ${b.errors.join('; ')}`)
    }),
  )
})
