/**
 * What the site bench and the site profile share, on the Node side: the published folder (two
 * 20 MiB files and a page), the viewer's site frame once loaded, and a read's check.
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Frame, Page } from 'playwright-core'
import { chunkFile } from '../src/core/content/chunker.ts'
import { waitUntil } from '../test/e2e/support/browser.ts'
import { deterministicBytes } from '../test/e2e/peer-support/site-spec.ts'
import { VIEW_MS } from '../test/e2e/ui-support/app-page.ts'
import type { TimedRead } from './site-page.ts'

/** Size of each big file. */
export const SIZE = 20 * 1024 * 1024
/** The site's title (how its frame is told from its bridge). */
export const TITLE = 'A site for the site-origin bench'
/** The two big files: the first transfer, then a later one. */
export const FILES = ['/first.bin', '/later.bin'] as const

/** The published folder. */
export interface BenchFolder {
  dir: string
  /** SHA-256 of each big file, hex, by path. */
  sha256: Record<string, string>
  /** The block CIDs of the first file. */
  firstCids: string[]
  remove(): Promise<void>
}

/** Writes the folder: a page and the two big files, with their SHA-256 and the first's CIDs. */
export async function writeFolder(): Promise<BenchFolder> {
  const base = await mkdtemp(join(tmpdir(), 'an-bench-site-'))
  const dir = join(base, 'site')
  await mkdir(dir)
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${TITLE}</title></head><body><h1>bench</h1></body></html>\n`,
  )
  const sha256: Record<string, string> = {}
  let firstCids: string[] = []
  for (const [i, path] of FILES.entries()) {
    const bytes = deterministicBytes(SIZE, 300 + i)
    await writeFile(join(dir, path), bytes)
    sha256[path] = createHash('sha256').update(bytes).digest('hex')
    if (i === 0) {
      const cids: string[] = []
      for await (const chunk of chunkFile([bytes])) cids.push(chunk.cid.toString())
      firstCids = cids
    }
  }
  return { dir, sha256, firstCids, remove: () => rm(base, { recursive: true, force: true }) }
}

/** The site frame of the viewer (not its bridge) once its document has loaded. */
export function siteFrame(page: Page, origin: string): Promise<Frame> {
  return waitUntil(
    'the site document loaded',
    async () => {
      for (const frame of page.frames()) {
        if (!frame.url().startsWith(`${origin}/`) || frame.url().includes('/__an/')) continue
        const title = await frame.evaluate(() => document.title).catch(() => '')
        if (title === TITLE) return frame
      }
      return undefined
    },
    VIEW_MS,
    20,
  )
}

/** `read` when it is the whole file `path`, else an error. */
export function checked(read: TimedRead, path: string, sha256: Record<string, string>): TimedRead {
  if (read.status !== 200 || read.bytes !== SIZE || read.sha256 !== sha256[path])
    throw new Error(`${path}: status ${read.status}, ${read.bytes} bytes, hash differs`)
  return read
}
