/**
 * Live updates in the app (Chromium): three relays, each serving the built app. A publishes a
 * site through relay 1; B (through relay 2) and C (through relay 3) have it open. A publishes a
 * second version; without reloading or polling, B and C see "A new version of this site is
 * available" over the site, press Reload and see version 2.
 */
import type { Browser, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal } from '../support/assert.ts'
import { getJson, waitFor } from '../relay/support/relay-process.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { chooseName, openApp, siteFrame, visit, VIEW_MS } from './ui-support/app-page.ts'
import { writeSiteFolder } from './ui-support/site-folder.ts'

/** How long one publication may take on a loaded machine (the shared helper allows 60 s). */
const LOADED_PUBLISH_MS = 180_000

/** How long a new version may take to be announced over the site. */
const ANNOUNCE_MS = 60_000

async function publishVersion(page: Page, origin: string, title: string, first: boolean) {
  const folder = await writeSiteFolder(title)
  await openApp(page, origin, '#/publish')
  await page.getByLabel('Folder', { exact: true }).setInputFiles(folder.dir)
  await page.getByText('5 files').waitFor()
  await chooseName(page, 'livesite', 'code', first ? 'free' : 'yours')
  await page.getByRole('button', { name: 'Publish', exact: true }).click()
  const share = page.locator('a[data-share]')
  try {
    await share.waitFor({ timeout: LOADED_PUBLISH_MS })
  } catch (error) {
    throw new Error(`not published: ${(await page.locator('main').innerText()).slice(0, 600)}`, {
      cause: error,
    })
  }
  equal((await share.textContent())?.trim(), 'an://livesite:code/')
}

describe('live updates in the app (Chromium)', () => {
  let appDir = ''
  const relays: AppRelay[] = []
  let browser: Browser

  before(async () => {
    appDir = await buildApp()
    relays.push(await startAppRelay(appDir))
    for (let i = 0; i < 2; i++)
      relays.push(await startAppRelay(appDir, ['--bootstrap', relays[0].relay.tcp]))
    for (const { relay } of relays)
      await waitFor(
        'the relays to see one another',
        async () => ((await getJson(relay, '/health')).peers as number) >= 2,
      )
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await Promise.all(relays.map((r) => r.stop()))
    await removeBuild(appDir)
  })

  it(
    'B and C, on other relays, are told of version 2 over the open site and reload to it',
    bounded(600_000, async () => {
      const a = await newPerson(browser)
      const b = await newPerson(browser)
      const c = await newPerson(browser)
      try {
        await publishVersion(a.page, relays[0].appOrigin, 'Version one', true)
        for (const [person, relay] of [
          [b, relays[1]],
          [c, relays[2]],
        ] as const) {
          await openApp(person.page, relay.appOrigin)
          await visit(person.page, 'livesite:code')
          await siteFrame(person.page)
            .locator('h1', { hasText: 'Version one' })
            .waitFor({ timeout: VIEW_MS })
        }

        await publishVersion(a.page, relays[0].appOrigin, 'Version two', false)

        for (const person of [b, c]) {
          const notice = person.page.getByRole('status').filter({
            hasText: 'A new version of this site is available',
          })
          await notice.waitFor({ timeout: ANNOUNCE_MS })
          // Still version one: nothing reloaded on its own.
          await siteFrame(person.page).locator('h1', { hasText: 'Version one' }).waitFor()
          await notice.getByRole('button', { name: 'Reload' }).click()
          await siteFrame(person.page)
            .locator('h1', { hasText: 'Version two' })
            .waitFor({ timeout: VIEW_MS })
          await notice.waitFor({ state: 'detached' })
        }
        equal([...a.errors, ...b.errors, ...c.errors].join('\n'), '', 'page errors')
      } finally {
        await Promise.all([a, b, c].map((p) => p.context.close()))
      }
    }),
  )
})
