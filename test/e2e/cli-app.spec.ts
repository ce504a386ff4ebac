/**
 * The Node peer (`alternet`, run as a process) and the real app in Chromium, through a real
 * relay with mirroring off (so every byte comes from the other peer): a page published in the
 * app is fetched by `alternet get` with the same bytes; a folder hosted by `alternet host` shows
 * in the app's viewer, and its page and a binary file read in the site's frame have the same
 * bytes (browser to Node over WebRTC through the relay); the owner key exported by
 * the app is imported by the command line, and the command line's exported key by the app.
 */
import { createHash, randomBytes } from 'node:crypto'
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
  ownFingerprint,
  publish,
  siteFrame,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'
import { alternet, alternetBackground, TEST_PASSPHRASE } from '../node-peer/cli-support.ts'
import { EXIT } from '../../src/node/cli/exit-codes.ts'

/** Size of the binary file `alternet host` serves to the app: several chunks. */
const DATA_BYTES = 600 * 1024

/** SHA-256 of `bytes`, hex. */
function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

describe('the command line and the app (Chromium), both ways', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser
  let work = ''
  let relayArgs: string[] = []

  before(async () => {
    session = await startAppSession(['--mirror-policy', 'none'])
    ;({ relay, browser } = session)
    relayArgs = ['--relay', relay.relay.http]
    work = await mkdtemp(join(tmpdir(), 'an-cli-app-'))
  })

  after(async () => {
    await session?.close()
    await rm(work, { recursive: true, force: true })
  })

  it(
    'a page published in the app is fetched by alternet get, byte for byte',
    bounded(180_000, async () => {
      const person = await newPerson(browser)
      try {
        const page = '<!doctype html><title>from the app</title><h1>Published in a tab</h1>'
        await openApp(person.page, relay.appOrigin, '#/publish')
        await person.page.getByRole('button', { name: 'Write a page instead' }).click()
        await person.page.getByRole('textbox', { name: 'Page (index.html)' }).fill(page)
        await chooseName(person.page, 'fromapp', 'cli')
        await publish(person.page)
        const out = join(work, 'fromapp.html')
        const got = await alternet([
          'get',
          'an://fromapp:cli/index.html',
          '-o',
          out,
          '--data-dir',
          join(work, 'visitor'),
          ...relayArgs,
        ])
        equal(got.code, EXIT.ok, got.stderr)
        equal(await readFile(out, 'utf8'), page)
      } finally {
        await person.context.close()
      }
    }),
  )

  it(
    'a folder hosted by alternet host shows in the app, byte for byte',
    bounded(180_000, async () => {
      const folder = join(work, 'site')
      await rm(folder, { recursive: true, force: true })
      await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }))
      const html = '<!doctype html><title>node</title><h1>Hosted by Node</h1>'
      const data = randomBytes(DATA_BYTES)
      await writeFile(join(folder, 'index.html'), html)
      await writeFile(join(folder, 'data.bin'), data)
      const host = alternetBackground([
        'host',
        folder,
        '--name',
        'fromnode:cli',
        '--data-dir',
        join(work, 'host'),
        '--json',
        ...relayArgs,
      ])
      const person = await newPerson(browser)
      try {
        await host.ready
        await openApp(person.page, relay.appOrigin)
        await visit(person.page, 'an://fromnode:cli')
        const frame = siteFrame(person.page)
        await frame.locator('h1', { hasText: 'Hosted by Node' }).waitFor({ timeout: VIEW_MS })
        // The same bytes, read by the site's own page through the app's node.
        const seen = await frame.locator('html').evaluate(async () => {
          const hex = async (path: string): Promise<string> => {
            const bytes = await (await fetch(path)).arrayBuffer()
            const digest = await crypto.subtle.digest('SHA-256', bytes)
            return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(
              '',
            )
          }
          return { html: await hex('/index.html'), data: await hex('/data.bin') }
        })
        equal(seen.html, sha256(html))
        equal(seen.data, sha256(data))
      } finally {
        await person.context.close()
        await host.stop()
      }
    }),
  )

  it(
    'the owner key moves from the app to the command line and back',
    bounded(180_000, async () => {
      const person = await newPerson(browser)
      try {
        await openApp(person.page, relay.appOrigin, '#/identity')
        const keyOfApp = await ownFingerprint(person.page)
        await person.page.getByLabel('Export passphrase', { exact: true }).fill(TEST_PASSPHRASE)
        await person.page
          .getByLabel('Repeat export passphrase', { exact: true })
          .fill(TEST_PASSPHRASE)
        const [download] = await Promise.all([
          person.page.waitForEvent('download'),
          person.page.getByRole('button', { name: 'Export key' }).click(),
        ])
        const fromApp = join(work, 'from-app.json')
        await download.saveAs(fromApp)
        const env = { ALTERNET_PASSPHRASE: TEST_PASSPHRASE }
        const cliDir = join(work, 'keys')
        const imported = await alternet(
          ['key', 'import', fromApp, '--data-dir', cliDir, '--json'],
          env,
        )
        equal(imported.code, EXIT.ok, imported.stderr)
        equal(imported.json<{ fingerprint: string }>().fingerprint, keyOfApp)

        // Back: a key made by the command line, imported by the app.
        const otherDir = join(work, 'keys-other')
        const fromCli = join(work, 'from-cli.json')
        const exported = await alternet(
          ['key', 'export', fromCli, '--data-dir', otherDir, '--json'],
          env,
        )
        equal(exported.code, EXIT.ok, exported.stderr)
        const keyOfCli = exported.json<{ fingerprint: string }>().fingerprint
        ok(keyOfCli !== keyOfApp)
        await goTo(person.page, 'Identity')
        await person.page.getByLabel('Key file', { exact: true }).setInputFiles(fromCli)
        await person.page.getByLabel('Key file passphrase', { exact: true }).fill(TEST_PASSPHRASE)
        await person.page.getByRole('button', { name: 'Import key' }).click()
        await person.page
          .getByRole('status')
          .getByText(`Imported the key ${keyOfCli}`)
          .waitFor({ timeout: VIEW_MS })
        equal(await person.page.locator('[data-fingerprint]').textContent(), keyOfCli)
      } finally {
        await person.context.close()
      }
    }),
  )
})
