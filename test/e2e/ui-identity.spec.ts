/**
 * Names move between devices with the owner key: A exports it with a passphrase, another
 * device refuses a wrong passphrase and a damaged file in plain words, imports the right one,
 * and can then publish a new version of A's site. And one node per browser: a second tab
 * says the node runs elsewhere, shows sites through the first, and can take the node over.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  openSite,
  ownFingerprint,
  publish,
  publishWrittenPage,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'

const PASSPHRASE = 'correct horse battery staple'

describe('identity: export, import, and one node per browser (Chromium)', () => {
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
    'a key exported from A and imported elsewhere publishes a new version of A’s site',
    bounded(180_000, async () => {
      const a = await newPerson(browser)
      const c = await newPerson(browser)
      const viewer = await newPerson(browser)
      try {
        // A publishes a page written in the editor.
        await openApp(a.page, relay.appOrigin, '#/publish')
        await publishWrittenPage(
          a.page,
          'moving',
          'keys',
          '<!doctype html><title>v1</title><h1>Version one</h1>',
        )
        const keyOfA = await ownFingerprint(a.page)

        // Export: mismatched passphrases are caught, then the file downloads.
        await a.page.getByLabel('Export passphrase', { exact: true }).fill(PASSPHRASE)
        await a.page.getByLabel('Repeat export passphrase', { exact: true }).fill(`${PASSPHRASE}!`)
        await a.page.getByRole('button', { name: 'Export key' }).click()
        await a.page.getByRole('alert').getByText('The passphrases differ').waitFor()
        await a.page.getByLabel('Repeat export passphrase', { exact: true }).fill(PASSPHRASE)
        const [download] = await Promise.all([
          a.page.waitForEvent('download'),
          a.page.getByRole('button', { name: 'Export key' }).click(),
        ])
        const keyFile = join(work, download.suggestedFilename())
        await download.saveAs(keyFile)
        ok(
          download.suggestedFilename().includes(keyOfA),
          `the file is named after the key: ${download.suggestedFilename()}`,
        )

        // C's own key differs; the name is held by another key from where C stands.
        await openApp(c.page, relay.appOrigin, '#/publish')
        await chooseName(c.page, 'moving', 'keys', 'held')
        const keyOfC = await ownFingerprint(c.page)
        ok(keyOfC !== keyOfA, 'two devices, two keys')

        // A wrong passphrase and a damaged file are refused in words.
        const keyFileInput = c.page.getByLabel('Key file', { exact: true })
        const passphrase = c.page.getByLabel('Key file passphrase', { exact: true })
        await keyFileInput.setInputFiles(keyFile)
        await passphrase.fill('not the passphrase at all')
        await c.page.getByRole('button', { name: 'Import key' }).click()
        await c.page.getByRole('alert').getByText('Wrong passphrase').waitFor({ timeout: VIEW_MS })
        const damaged = join(work, 'damaged.json')
        const bytes = await readFile(keyFile)
        await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)))
        await keyFileInput.setInputFiles(damaged)
        await passphrase.fill(PASSPHRASE)
        await c.page.getByRole('button', { name: 'Import key' }).click()
        await c.page
          .getByRole('alert')
          .getByText('This key file is damaged or not a key file')
          .waitFor({ timeout: VIEW_MS })
        equal(
          await c.page.locator('[data-fingerprint]').textContent(),
          keyOfC,
          'nothing changed on a failed import',
        )

        // The real file with its passphrase.
        await keyFileInput.setInputFiles(keyFile)
        await passphrase.fill(PASSPHRASE)
        await c.page.getByRole('button', { name: 'Import key' }).click()
        await c.page
          .getByRole('status')
          .getByText(`Imported the key ${keyOfA}`)
          .waitFor({ timeout: VIEW_MS })
        equal(await c.page.locator('[data-fingerprint]').textContent(), keyOfA)

        // C publishes a new version from one picked file.
        await goTo(c.page, 'Publish')
        const page = join(work, 'index.html')
        await writeFile(page, '<!doctype html><title>v2</title><h1>Version two</h1>')
        await c.page.getByLabel('Files', { exact: true }).setInputFiles(page)
        await chooseName(c.page, 'moving', 'keys', 'yours')
        const { address } = await publish(c.page)
        equal(address, 'an://moving:keys/')
        await goTo(c.page, 'My sites')
        // Above A's version 1 (A, still open, may have re-signed when its addresses changed).
        await c.page.getByText(/\(version ([2-9]|\d\d+)\)/).waitFor({ timeout: VIEW_MS })

        // A third person opens the name and gets the new version.
        await openApp(viewer.page, relay.appOrigin)
        await openSite(viewer.page, 'an://moving:keys', 'Version two')

        // From My sites: Update leads to the publish form filled in; Stop hosting asks first.
        await c.page.getByRole('link', { name: 'Update moving:keys' }).click()
        equal(
          await c.page.getByRole('textbox', { name: 'Name', exact: true }).inputValue(),
          'moving',
        )
        equal(
          await c.page.getByRole('textbox', { name: 'Topic', exact: true }).inputValue(),
          'keys',
        )
        await goTo(c.page, 'My sites')
        c.page.once('dialog', (dialog) => void dialog.accept())
        await c.page.getByRole('button', { name: 'Stop hosting moving:keys' }).click()
        await c.page.getByText('no: only the name is kept up').waitFor({ timeout: VIEW_MS })
      } finally {
        await a.context.close()
        await c.context.close()
        await viewer.context.close()
      }
    }),
  )

  it(
    'a second tab of the same browser says the node runs elsewhere, shows a site through the first without "Opening…" left behind, and can take the node over',
    bounded(90_000, async () => {
      const person = await newPerson(browser)
      try {
        const first = person.page
        await openApp(first, relay.appOrigin)
        await openSite(first, 'an://moving:keys')
        const second = await person.context.newPage()
        await second.goto(`${relay.appOrigin}/#/view`)
        await waitForPhase(second, 'elsewhere')
        ok(await second.getByText('Alternet is open in another tab.').isVisible())
        // A site opened here comes through the first tab, and stops saying it is opening once shown.
        await openSite(second, 'an://moving:keys')
        await second.getByText('Opening an://moving:keys/').waitFor({ state: 'hidden' })
        await second.getByRole('button', { name: 'Use Alternet in this tab' }).click()
        await waitForPhase(second, 'running')
        await waitForPhase(first, 'elsewhere')
        ok(await first.getByRole('button', { name: 'Use Alternet in this tab' }).isVisible())
      } finally {
        await person.context.close()
      }
    }),
  )
})
