/**
 * What a relay mirrors, one JSON file per site under `<data dir>/mirror/sites/`, and what it
 * is fetching, one file per site under `pending/`. A site's file is written (to a temporary
 * file, flushed, renamed) only once every block of its content root is verified and on disk,
 * so a site is complete exactly when its file exists: a restart or `kill -9` keeps every
 * completely stored site and never takes a partly stored one for whole.
 * @module
 */
import { createHash } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

/** A completely stored site. */
export interface MirroredSite {
  /** Canonical site name. */
  site: string
  /** The content root (manifest CID) stored. */
  root: string
  /** The newest record seen pointing at `root` (envelope bytes, base64). */
  record: string
  /** The holder key of the name (hex): what the owner quota counts against. */
  owner: string
  /** Every block of the root: the manifest and the chunks it lists. */
  blocks: string[]
  /** Bytes of those blocks. */
  bytes: number
  /** When it became complete, ms since the epoch. */
  storedAt: number
  /** When a visitor last asked for its manifest, ms since the epoch. */
  lastRequested: number
  /** The owner's pre-signed next records (envelopes, base64), put into the DHT in their time. */
  future?: string[]
  /** The source (address block) that handed `future`: what the per-source byte limit counts against. */
  futureSource?: string
  /** Uploaded through the registrar API: kept here whatever the placement. */
  pinned?: boolean
}

/** A site being fetched: what a restart resumes (its blocks already on disk are kept). */
export interface PendingSite {
  site: string
  root: string
}

function fileName(site: string): string {
  return `${createHash('sha256').update(site).digest('hex')}.json`
}

/** Numbers temporary files: two writes of one entry at once (a pull and an upload) must not share one. */
let tmpCounter = 0

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`
  const file = await open(tmp, 'w')
  try {
    await file.writeFile(text)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(tmp, path)
}

async function readAll<T>(dir: string): Promise<T[]> {
  const out: T[] = []
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.endsWith('.tmp')) {
      await rm(join(dir, name), { force: true })
      continue
    }
    if (!name.endsWith('.json')) continue
    try {
      out.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as T)
    } catch {
      // An unreadable entry is dropped; its blocks are collected as orphans.
      await rm(join(dir, name), { force: true })
    }
  }
  return out
}

/** The site files of one relay. */
export class SiteIndex {
  private readonly sitesDir: string
  private readonly pendingDir: string

  constructor(dir: string) {
    this.sitesDir = join(dir, 'sites')
    this.pendingDir = join(dir, 'pending')
  }

  async open(): Promise<void> {
    await mkdir(this.sitesDir, { recursive: true })
    await mkdir(this.pendingDir, { recursive: true })
  }

  /** Every completely stored site. */
  sites(): Promise<MirroredSite[]> {
    return readAll<MirroredSite>(this.sitesDir)
  }

  /** Every site whose fetch was under way. */
  pending(): Promise<PendingSite[]> {
    return readAll<PendingSite>(this.pendingDir)
  }

  /** Records a complete site (replacing its previous version) and clears its pending mark. */
  async putSite(entry: MirroredSite): Promise<void> {
    await writeAtomic(join(this.sitesDir, fileName(entry.site)), JSON.stringify(entry))
    await this.clearPending(entry.site)
  }

  async deleteSite(site: string): Promise<void> {
    await rm(join(this.sitesDir, fileName(site)), { force: true })
  }

  async putPending(entry: PendingSite): Promise<void> {
    await writeAtomic(join(this.pendingDir, fileName(entry.site)), JSON.stringify(entry))
  }

  async clearPending(site: string): Promise<void> {
    await rm(join(this.pendingDir, fileName(site)), { force: true })
  }
}
