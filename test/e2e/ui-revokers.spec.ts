/**
 * Whose revocations a client honours: a relay added for reach does not get to withdraw names.
 * Relay A serves the app and names no revokers; relay B trusts a revoker of its own, which
 * revokes a site published through A. A person who adds B in Settings still sees the site;
 * one who also ticks B's revokers in Settings gets the site refused as revoked. Real relays,
 * built app, Chromium. docs/PROTOCOL.md, "Revocation".
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type {} from './support/harness/harness.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { toHex } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRevocation } from '../../src/core/records/index.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { buildApp, HARNESS_ENTRY, HARNESS_PATH, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { bounded, harnessReady, siteFrame } from './support/site-frame.ts'
import { openApp, START_MS, visit, VIEW_MS } from './ui-support/app-page.ts'

const SITE = 'revokable:sec'

/** Adds relay `url` in Settings and waits until it is connected. */
async function addRelay(page: Page, url: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Relay URL' }).fill(url)
  await page.getByRole('button', { name: 'Add relay' }).click()
  await page.getByRole('status').getByText(`Connected to ${url}`).waitFor({ timeout: START_MS })
}

describe('revokers: only the relays a person trusts may withdraw names (Chromium)', () => {
  let appDir = ''
  let relay: AppRelay
  let other: RelayProcess
  let otherDir = ''
  let browser: Browser
  const revoker = generateKeyPair()

  before(
    bounded(180_000, async () => {
      appDir = await buildApp({ extraEntries: [HARNESS_ENTRY] })
      relay = await startAppRelay(appDir)
      otherDir = await tempDir('an-e2e-revoker-')
      await mkdir(otherDir, { recursive: true })
      await writeFile(
        join(otherDir, 'trusted-revokers'),
        `# relay B's own revoker\n${toHex(revoker.publicKey)}\n`,
      )
      other = await startRelay(otherDir, ['--dev'])
      browser = await launchChromium()
      const { page } = await newPerson(browser)
      await page.goto(relay.url(HARNESS_PATH))
      await harnessReady(page)
      await page.evaluate(() => window.harness.startPeer())
      const published = await page.evaluate((site) => window.harness.publishDemo(site, 1024), SITE)
      ok(published.accepted >= 1)
      const revocation = await createRevocation({ name: SITE }, revoker)
      const answer = await fetch(`${other.http}/revoke`, {
        method: 'POST',
        body: revocation.bytes as BufferSource,
      })
      equal(answer.status, 200, 'relay B took its revoker’s revocation')
    }),
  )

  after(async () => {
    await browser?.close()
    await relay?.stop()
    await other?.stop()
    if (otherDir !== '') await removeDir(otherDir)
    await removeBuild(appDir)
  })

  it(
    "shows the site when another relay's revoker withdrew it, and refuses it once the person trusts that relay's revokers",
    bounded(240_000, async () => {
      const trusting = async (tick: boolean) => {
        const person = await newPerson(browser)
        const { page } = person
        await openApp(page, relay.appOrigin, '#/settings')
        await addRelay(page, other.http)
        const box = page.getByRole('checkbox', { name: /Accept name withdrawals/ })
        await box.waitFor({ timeout: START_MS })
        equal(await box.isChecked(), false, 'an added relay’s revokers are not trusted by default')
        if (tick) await box.check()
        await visit(page, SITE)
        return person
      }

      const unticked = await trusting(false)
      try {
        const frame = await siteFrame(unticked.page, relay.siteOrigin(SITE), 'h1', VIEW_MS)
        equal(await frame.locator('h1').textContent(), `Hello from ${SITE}`)
      } finally {
        await unticked.context.close()
      }

      const ticked = await trusting(true)
      try {
        await waitUntil(
          'the site refused as revoked',
          async () => {
            for (const frame of ticked.page.frames()) {
              const error = await frame
                .evaluate(() => document.documentElement.dataset.anError ?? '')
                .catch(() => '')
              if (error === 'NameRevokedError') return true
            }
            return (await ticked.page.getByText('This name was withdrawn').count()) > 0
          },
          VIEW_MS,
        )
      } finally {
        await ticked.context.close()
      }
    }),
  )
})
