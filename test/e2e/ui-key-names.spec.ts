/**
 * Names follow the owner key, against a real relay: after the first publication the app asks
 * once to back up the key, one tap opens the export form; the exported file, imported on
 * another device, brings the name into My sites there; a name typed in My sites is checked
 * against its record (another key's name is not listed).
 */
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import {
  focused,
  goTo,
  noErrorClassNames,
  openApp,
  publishWrittenPage,
  screenshot,
  seriousViolations,
  START_MS,
  VIEW_MS,
} from './ui-support/app-page.ts'

/** The passphrase the key file is saved with. */
const PASSPHRASE = 'correct horse battery staple'

describe('names follow the owner key (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay

  before(async () => {
    session = await startAppSession()
    relay = session.relay
  })

  after(() => session?.close())

  async function device(hash: string): Promise<Page> {
    const context = await session.context('light', { acceptDownloads: true })
    const page = await context.newPage()
    await openApp(page, relay.appOrigin, hash)
    return page
  }

  /** A page whose heading is `text`. */
  const headed = (text: string): string =>
    `<!doctype html><html lang="en"><title>K</title><h1>${text}</h1></html>`

  it(
    'asks once for a backup after the first publication; the key file brings the name to another device',
    bounded(300_000, async () => {
      const first = await device('#/publish')
      await publishWrittenPage(first, 'travels', 'keys', headed('Follows the key'))
      const prompt = first.locator('[data-backup-prompt]')
      await prompt.waitFor()
      equal((await seriousViolations(first)).length, 0, 'no serious axe finding (backup prompt)')
      await screenshot(first, 'backup-prompt-light-desktop', false)
      await prompt.getByRole('link', { name: 'Back up your key' }).click()
      await first.getByRole('heading', { name: /^Export/ }).waitFor()
      equal((await focused(first))?.id, 'export-passphrase', 'the export form is ready to type')
      await first.getByLabel('Export passphrase', { exact: true }).fill(PASSPHRASE)
      await first.getByLabel('Repeat export passphrase', { exact: true }).fill(PASSPHRASE)
      const [download] = await Promise.all([
        first.waitForEvent('download', { timeout: START_MS }),
        first.getByRole('button', { name: 'Export key' }).click(),
      ])
      const file = await download.path()
      const text = await readFile(file, 'utf8')
      ok(JSON.parse(text).sites?.includes('travels:keys'), `the key file lists the name: ${text}`)

      // Asked once: a second publication does not ask again.
      await goTo(first, 'Publish')
      await publishWrittenPage(first, 'travels-two', 'keys', headed('Second'))
      ok(!(await first.locator('[data-backup-prompt]').isVisible()), 'the backup is asked once')

      const second = await device('#/sites')
      await second.getByText('You have not published anything from this device yet').waitFor()
      await goTo(second, 'Identity')
      await second.getByLabel('Key file', { exact: true }).setInputFiles(file)
      await second.getByLabel('Key file passphrase', { exact: true }).fill(PASSPHRASE)
      await second.getByRole('button', { name: 'Import key' }).click()
      const found = second.locator('[data-found-sites]')
      await found.waitFor({ timeout: VIEW_MS })
      ok(
        ((await found.textContent()) ?? '').includes('travels:keys'),
        `the import found the name: ${await found.textContent()}`,
      )
      await screenshot(second, 'key-import-found-light-desktop', false)
      await goTo(second, 'My sites')
      await second.getByRole('link', { name: 'an://travels:keys' }).waitFor({ timeout: START_MS })

      // A name typed in My sites: the second one (published after the export) is found too …
      const field = second.getByLabel('Name you hold (name:topic)')
      await field.fill('travels-two:keys')
      await second.getByRole('button', { name: 'Find', exact: true }).click()
      await second.getByText('travels-two:keys is yours').waitFor({ timeout: VIEW_MS })
      await second.getByRole('link', { name: 'an://travels-two:keys' }).waitFor()
      // … and a name another key holds is not listed.
      const other = await device('#/publish')
      await publishWrittenPage(other, 'someone-else', 'keys', headed('Not yours'))
      await field.fill('someone-else:keys')
      await second.getByRole('button', { name: 'Find', exact: true }).click()
      await second.getByText('is held by another key').waitFor({ timeout: VIEW_MS })
      ok(
        !(await second.getByRole('link', { name: 'an://someone-else:keys' }).count()),
        'another key’s name is not listed',
      )
      await noErrorClassNames(second, 'My sites after import')
      equal((await seriousViolations(second)).length, 0, 'no serious axe finding (My sites)')
      await screenshot(second, 'sites-after-import-light-desktop')
    }),
  )
})
