/**
 * A site outlives its publisher's tab, end to end: three real relay processes in one network,
 * mirroring on, each serving the built app; real Chromium. A publishes a folder site with a
 * 20 MiB file through the app of relay 1 and waits until the app reports its mirrors, then
 * closes its browser context. B, a fresh context whose app came from relay 2, opens the site:
 * every file is byte-identical and a Range request answers the right bytes, the 20 MiB file's
 * blocks read over HTTP from the mirrors (many to a CAR stream, `GET /ipfs/?format=car`), each verified. Relay 1 is killed
 * with SIGKILL; C, fresh, on relay 3's app, still opens every file. Relay 1, restarted on the
 * same data directory, still holds the site.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Frame, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import { siteOrigin } from '../../src/origins/shared/site-origin.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { launchChromium, newPerson, waitUntil } from './support/browser.ts'
import { readFiles, sha256 } from './support/file-digests.ts'
import { bounded, siteFrame } from './support/site-frame.ts'
import { chooseName, openApp, publish, visit, VIEW_MS } from './ui-support/app-page.ts'
import { siteFiles, writeSiteFolder } from './ui-support/site-folder.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { startVisitor, type Visitor } from '../relay/support/site-publisher.ts'

const MIB = 1024 * 1024
/** The big file of the site. */
const BIG_PATH = 'media/big.bin'
const BIG_SIZE = 20 * MIB
/** Relays mirroring each site: all three. */
const REPLICAS = 3
/** A short scan interval, so that placement is looked at again within the spec. */
const RELAY_FLAGS = ['--dev', '--mirror-scan-interval', '2s', '--mirror-replicas', String(REPLICAS)]
/** Time for publishing 20 MiB from a tab until it is on every mirror (a loaded machine). */
const PUBLISH_TO_MIRRORS_MS = 300_000
/** Time for a fresh visitor to read every file. */
const READ_ALL_MS = 180_000
const SITE_NAME = 'survives'
const SITE_TOPIC = 'mirrors'
const SITE = `${SITE_NAME}:${SITE_TOPIC}`

/** A deterministic byte pattern, not compressible to nothing. */
function bigBytes(): Buffer {
  const out = Buffer.alloc(BIG_SIZE)
  let x = 0x12345678
  for (let i = 0; i < BIG_SIZE; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** Every file of the site: SHA-256 and size, by path. */
function expectedFiles(big: Buffer): Record<string, { sha256: string; size: number }> {
  const out: Record<string, { sha256: string; size: number }> = {}
  const files = { ...siteFiles(), [BIG_PATH]: big }
  for (const [path, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content
    out[path] = { sha256: sha256(bytes), size: bytes.length }
  }
  return out
}

/** Opens the site in `page` (the app of `relay`) and returns its frame. */
async function openSite(page: Page, relay: RelayProcess): Promise<Frame> {
  const appOrigin = appOriginOf(relay)
  await openApp(page, appOrigin)
  await visit(page, SITE)
  return siteFrame(page, siteOrigin(SITE, appOrigin), 'h1', VIEW_MS)
}

function appOriginOf(relay: RelayProcess): string {
  return `http://an.localhost:${new URL(relay.http).port}`
}

/** Blocks `relays` served over HTTP, by their metrics. */
async function blocksServedOverHttp(relays: RelayProcess[]): Promise<number> {
  let n = 0
  for (const r of relays) {
    const text = await (await fetch(`${r.http}/metrics`)).text()
    n += metricValue(text, 'alternet_relay_mirror_http_blocks_total{result="served"}')
  }
  return n
}

describe('a site outlives its publisher and a relay (Chromium, three relays)', () => {
  let appDir = ''
  let dir = ''
  let browser: Browser
  let visitor: Visitor
  const relays: RelayProcess[] = []
  let folder: { dir: string; remove(): Promise<void> } | undefined
  const big = bigBytes()
  const expected = expectedFiles(big)
  const paths = Object.keys(expected)

  const statesOf = async (list: RelayProcess[]): Promise<string[]> =>
    Promise.all(list.map(async (r) => (await visitor.status(r, SITE)).state))

  before(
    bounded(300_000, async () => {
      appDir = await buildApp()
      dir = await tempDir('an-e2e-mirrors-')
      const flags = ['--app-dir', appDir, ...RELAY_FLAGS]
      relays.push(await startRelay(join(dir, 'r1'), flags))
      for (const name of ['r2', 'r3'])
        relays.push(await startRelay(join(dir, name), [...flags, '--bootstrap', relays[0].tcp]))
      await waitFor('relays see each other', async () => {
        const health = await Promise.all(relays.map((r) => getJson(r, '/health')))
        return health.every((h) => (h.peers as number) >= 2)
      })
      visitor = await startVisitor(relays.map((r) => r.tcp))
      browser = await launchChromium()
      folder = await writeSiteFolder()
      await mkdir(join(folder.dir, 'media'), { recursive: true })
      await writeFile(join(folder.dir, BIG_PATH), big)
    }),
  )

  after(async () => {
    await browser?.close()
    await visitor?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await folder?.remove()
    if (dir !== '') await removeDir(dir)
    if (appDir !== '') await removeBuild(appDir)
  })

  it(
    'keeps every file of the site byte-identical with the publisher gone and a relay killed, and the relay keeps its copy over a restart',
    bounded(PUBLISH_TO_MIRRORS_MS + 3 * READ_ALL_MS + 120_000, async () => {
      // A publishes through relay 1's app and waits for the mirrors.
      const a = await newPerson(browser)
      const progressTexts: string[] = []
      await openApp(a.page, appOriginOf(relays[0]), '#/publish')
      await a.page.getByLabel('Folder', { exact: true }).setInputFiles(folder!.dir)
      await a.page.getByText(`${paths.length} files`).waitFor()
      await chooseName(a.page, SITE_NAME, SITE_TOPIC, 'free')
      const watch = setInterval(() => {
        void a.page
          .getByText(/Copying to mirrors… \d+ of \d+/)
          .textContent({ timeout: 200 })
          .then((t) => t !== null && progressTexts.push(t.trim()))
          .catch(() => undefined)
      }, 100)
      let address: string
      try {
        ;({ address } = await publish(a.page).catch(async (err: unknown) => {
          const states = await statesOf(relays).catch((e: unknown) => String(e))
          throw new Error(`${String(err)}; states ${String(states)}`)
        }))
      } finally {
        clearInterval(watch)
      }
      equal(address, `an://${SITE}/`)
      // The app went through "Copying to mirrors… n of 3 (… sent)" and finished only once the
      // copies were made (its last count, 3 of 3, is replaced by the result within one render).
      const countOf = new RegExp(`… \\d+ of ${REPLICAS}(?: \\(|$)`)
      ok(
        progressTexts.some((t) => countOf.test(t)),
        `the app reported the copies to ${REPLICAS} mirrors (saw ${JSON.stringify([...new Set(progressTexts)])})`,
      )
      console.log(`# published; the app reported ${JSON.stringify([...new Set(progressTexts)])}`)
      // Every relay says it holds the site (asked again if a loaded relay is slow to answer).
      await waitUntil(
        'every relay to hold the site',
        async () => (await statesOf(relays)).every((s) => s === 'complete'),
        60_000,
        500,
      )
      await a.context.close()

      // B: a fresh context whose app came from relay 2.
      const b = await newPerson(browser)
      try {
        const frame = await openSite(b.page, relays[1])
        const seen = await readFiles(frame, paths)
        for (const path of paths)
          deepEqual(seen[path], { ...expected[path], status: 200 }, `B reads ${path}`)
        const ranged = await frame.evaluate(async (path) => {
          const response = await fetch(`/${path}`, {
            headers: { range: 'bytes=10485760-10485859' },
            cache: 'no-store',
          })
          return {
            status: response.status,
            contentRange: response.headers.get('content-range'),
            bytes: Array.from(new Uint8Array(await response.arrayBuffer())),
          }
        }, BIG_PATH)
        deepEqual(ranged, {
          status: 206,
          contentRange: `bytes 10485760-10485859/${BIG_SIZE}`,
          bytes: Array.from(big.subarray(10 * MIB, 10 * MIB + 100)),
        })
        // The big file's 80 blocks came over HTTP from the mirrors, not over libp2p.
        const overHttp = await blocksServedOverHttp(relays)
        ok(overHttp >= BIG_SIZE / CHUNK_SIZE, `${overHttp} blocks were served over HTTP`)
      } finally {
        await b.context.close()
      }

      console.log('# B read every file, Range included')
      // Relay 1 dies without a word; C, fresh, on relay 3's app, still reads everything.
      const r1 = relays[0]
      await r1.kill9()
      const c = await newPerson(browser)
      try {
        const frame = await openSite(c.page, relays[2])
        const seen = await readFiles(frame, paths)
        for (const path of paths)
          deepEqual(seen[path], { ...expected[path], status: 200 }, `C reads ${path}`)
      } finally {
        await c.context.close()
      }

      console.log('# C read every file with relay 1 killed')
      // Relay 1 restarts on the same data directory and still holds the site.
      const restarted = await startRelay(r1.dataDir, [
        '--app-dir',
        appDir,
        ...RELAY_FLAGS,
        '--bootstrap',
        relays[1].tcp,
      ])
      relays[0] = restarted
      const health = await waitUntil(
        'the restarted relay reports its mirror',
        async () => {
          const h = await getJson<{ mirror?: { sites: number } }>(restarted, '/health')
          return h.mirror !== undefined && h.mirror.sites >= 1 ? h : undefined
        },
        60_000,
        500,
      )
      ok(health.mirror!.sites >= 1)
      await waitUntil(
        'the restarted relay to answer that it holds the site',
        async () => (await visitor.status(restarted, SITE)).state === 'complete',
        60_000,
        500,
      )
    }),
  )
})
