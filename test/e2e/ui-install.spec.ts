/**
 * The app is installable: its manifest has what Chromium asks for (name, icons at 192 and 512
 * px with a maskable one, standalone display, colours, start URL inside the scope, an id),
 * each icon is a PNG of the size it claims, a service worker with a fetch handler controls
 * the page, and Chromium itself (DevTools `Page.getInstallabilityErrors`) finds nothing
 * missing.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { CHROMIUM_ARGS, chromiumPath, newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { openApp } from './ui-support/app-page.ts'

interface ManifestIcon {
  src: string
  sizes: string
  type?: string
  purpose?: string
}

interface Manifest {
  id?: string
  name?: string
  short_name?: string
  start_url?: string
  scope?: string
  display?: string
  theme_color?: string
  background_color?: string
  icons?: ManifestIcon[]
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length < 24 || !signature.every((b, i) => bytes[i] === b)) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

const COLOUR = /^#[0-9a-f]{6}$/i

describe('the app is installable (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession()
    ;({ relay, browser } = session)
  })

  after(() => session?.close())

  it('reads a PNG header, and refuses what is not a PNG', () => {
    deepEqual(
      pngSize(
        new Uint8Array([
          0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0,
          0, 192, 0, 0, 0, 192,
        ]),
      ),
      { width: 192, height: 192 },
    )
    equal(
      pngSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>')),
      undefined,
    )
  })

  it(
    'links a manifest whose fields and icons Chromium needs, each icon a PNG of its stated size',
    bounded(60_000, async () => {
      const { context, page } = await newPerson(browser)
      try {
        await openApp(page, relay.appOrigin)
        const href = await page.locator('link[rel="manifest"]').getAttribute('href')
        equal(href, '/manifest.webmanifest')
        const { type, manifest } = await page.evaluate(async (url) => {
          const response = await fetch(url)
          return {
            type: response.headers.get('content-type') ?? '',
            manifest: (await response.json()) as unknown,
          }
        }, href!)
        ok(/^application\/(manifest\+)?json/.test(type), `served as JSON, not ${type}`)
        const m = manifest as Manifest
        ok(m.name && m.short_name, 'name and short_name')
        equal(m.display, 'standalone')
        ok(
          COLOUR.test(m.theme_color ?? '') && COLOUR.test(m.background_color ?? ''),
          'theme and background colours',
        )
        ok(m.id !== undefined, 'an id')
        const scope = new URL(m.scope ?? '', relay.appOrigin + '/').href
        const start = new URL(m.start_url ?? '', relay.appOrigin + '/').href
        ok(start.startsWith(scope), `start_url ${start} lies inside scope ${scope}`)

        const pngs = (m.icons ?? []).filter((icon) => icon.type === 'image/png')
        for (const size of [192, 512]) {
          ok(
            pngs.some(
              (icon) =>
                icon.sizes.split(' ').includes(`${size}x${size}`) &&
                (icon.purpose ?? 'any').includes('any'),
            ),
            `a ${size} px icon`,
          )
        }
        ok(
          pngs.some((icon) => icon.purpose?.split(' ').includes('maskable')),
          'a maskable icon',
        )
        for (const icon of pngs) {
          const bytes = await page.evaluate(
            async (src) => Array.from(new Uint8Array(await (await fetch(src)).arrayBuffer())),
            icon.src,
          )
          const size = pngSize(new Uint8Array(bytes))
          ok(size !== undefined, `${icon.src} is a PNG`)
          equal(`${size.width}x${size.height}`, icon.sizes, `${icon.src} is as large as it says`)
        }
      } finally {
        await context.close()
      }
    }),
  )

  it(
    'is controlled by a service worker with a fetch handler, and Chromium reports no installability error',
    bounded(60_000, async () => {
      // Browser contexts are off the record, where Chromium never offers installation: use a profile.
      const profile = await mkdtemp(join(tmpdir(), 'an-ui-profile-'))
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath(),
        headless: true,
        args: CHROMIUM_ARGS,
      })
      try {
        const page = context.pages()[0] ?? (await context.newPage())
        await openApp(page, relay.appOrigin)
        await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
          timeout: 30_000,
        })
        equal(await page.evaluate(() => window.isSecureContext), true, 'a secure context')
        const cdp = await context.newCDPSession(page)
        const { errors } = (await cdp.send('Page.getAppManifest')) as {
          errors: { message: string }[]
        }
        deepEqual(errors, [], 'the manifest parses without errors')
        const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
          installabilityErrors: { errorId: string }[]
        }
        deepEqual(
          installabilityErrors,
          [],
          `installability errors: ${JSON.stringify(installabilityErrors)}`,
        )
      } finally {
        await context.close()
        await rm(profile, { recursive: true, force: true })
      }
    }),
  )
})
