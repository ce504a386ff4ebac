/**
 * The origin hardening in Firefox (puppeteer-core, WebDriver BiDi) against a real relay serving
 * the built app: the app runs under its CSP, an injected inline script does not run, the app's
 * documents get their own agent cluster, and the owner key is stored as non-extractable
 * WebCrypto keys with no raw seed. docs/ORIGINS.md, "Headers" and "The owner key".
 * @module
 */
import type { Browser } from 'puppeteer-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { bounded } from './support/site-frame.ts'
import { launchFirefox, newFirefoxPerson, openAppIn } from './ui-support/firefox.ts'

describe('origin hardening (Firefox)', () => {
  let appDir = ''
  let relay: AppRelay
  let firefox: Browser

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    firefox = await launchFirefox()
  })

  after(async () => {
    await firefox?.close()
    await relay?.stop()
    await removeBuild(appDir)
  })

  it(
    'runs the app under its CSP, refuses an injected script, and keeps the owner key non-extractable',
    bounded(120_000, async () => {
      const person = await newFirefoxPerson(firefox)
      try {
        const { page } = person
        await openAppIn(page, relay.appOrigin, '#/identity')
        await page.waitForSelector('an-app >>> [data-fingerprint]', { timeout: 30_000 })
        // The app itself has nothing refused by its CSP.
        deepEqual(person.errors, [])
        const seen = await page.evaluate(async () => {
          const script = document.createElement('script')
          try {
            script.textContent = 'window.injected = true'
            document.head.append(script)
          } catch {
            // Trusted Types refused the text: the script cannot run either way.
          }
          await new Promise((resolve) => setTimeout(resolve, 100))
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const open = indexedDB.open('alternet')
            open.onsuccess = () => resolve(open.result)
            open.onerror = () => reject(open.error)
          })
          const owner = await new Promise<Record<string, unknown>>((resolve, reject) => {
            const get = db.transaction('identity').objectStore('identity').get('owner')
            get.onsuccess = () => resolve(get.result as Record<string, unknown>)
            get.onerror = () => reject(get.error)
          })
          db.close()
          const signingKey = owner.signingKey as CryptoKey | undefined
          let exported = 'refused'
          if (signingKey !== undefined)
            await crypto.subtle.exportKey('pkcs8', signingKey).then(
              () => (exported = 'exported'),
              () => {},
            )
          return {
            injected: (window as { injected?: boolean }).injected === true,
            cluster: window.originAgentCluster,
            seed: owner.seed !== undefined,
            signingKey: signingKey instanceof CryptoKey && !signingKey.extractable,
            exported,
          }
        })
        deepEqual(seen, {
          injected: false,
          cluster: true,
          seed: false,
          signingKey: true,
          exported: 'refused',
        })
        // The only errors are the CSP's refusals of the script injected above: as an inline
        // script, or (a Firefox with Trusted Types) already as text assigned to a script.
        deepEqual(
          person.errors.filter(
            (error) =>
              !error.includes('blocked an inline script') &&
              !error.includes('require-trusted-types-for'),
          ),
          [],
        )
      } finally {
        await person.close()
      }
    }),
  )
})
