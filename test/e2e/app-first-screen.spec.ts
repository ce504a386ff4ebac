/**
 * What the app loads before its first screen, read from the real build (the project's
 * vite.config.ts): `index.html`'s module script, its preloads and every chunk they import
 * statically. That JavaScript stays within {@link FIRST_SCREEN_BUDGET_KIB} KiB gzip, and the
 * libp2p node, the QR code and the CBOR codec are not part of it: each comes in a chunk loaded
 * when needed (the node after the first paint, the QR code with the publish screen, CBOR with
 * the node or the screens that read records).
 * @module
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from '../support/spec.ts'
import { ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { firstScreenScripts, scriptSizes } from './support/app-scripts.ts'
import { bounded } from './support/site-frame.ts'

/** The most JavaScript (KiB, each file gzip -9) the app may load before its first screen. */
export const FIRST_SCREEN_BUDGET_KIB = 200

/**
 * Code that must not load before the first screen, each found by a string its minified code
 * keeps (an error message or a protocol name).
 */
const LATER: readonly { what: string; marker: string }[] = [
  // @libp2p/identify's protocol: in every libp2p node of the app.
  { what: 'the libp2p node', marker: '/ipfs/id/1.0.0' },
  // qrcode-generator's error for a text too long for the chosen version.
  { what: 'the QR code', marker: 'code length overflow' },
  // cborg, under @ipld/dag-cbor.
  { what: 'the CBOR codec', marker: 'CBOR decode error' },
]

describe('the app’s JavaScript before its first screen (the real build, gzip -9)', () => {
  let appDir: string | undefined
  let scripts: string[] = []

  before(
    bounded(240_000, async () => {
      appDir = await buildApp()
      scripts = await firstScreenScripts(appDir)
    }),
  )

  after(async () => {
    if (appDir !== undefined) await removeBuild(appDir)
  })

  it(`is at most ${FIRST_SCREEN_BUDGET_KIB} KiB`, async () => {
    ok(scripts.length > 0, 'index.html loads a script')
    const { gzip } = await scriptSizes(appDir!, scripts)
    ok(
      gzip <= FIRST_SCREEN_BUDGET_KIB * 1024,
      `${(gzip / 1024).toFixed(1)} KiB before the first screen (${scripts.join(', ')}), budget ${FIRST_SCREEN_BUDGET_KIB} KiB`,
    )
  })

  it('leaves the libp2p node, the QR code and CBOR to chunks loaded when needed', async () => {
    const all = await Promise.all(
      scripts.map(async (path) => ({ path, code: await readFile(join(appDir!, path), 'utf8') })),
    )
    for (const { what, marker } of LATER) {
      const holders = all.filter(({ code }) => code.includes(marker)).map(({ path }) => path)
      ok(holders.length === 0, `${what} loads before the first screen, in ${holders.join(', ')}`)
    }
  })
})
