/**
 * Mirrored blocks as plain files under `<data dir>/mirror/blocks/<2 chars>/<cid>`, each written
 * to a temporary file, flushed and renamed into place only after its bytes were verified
 * against its CID: a crash or `kill -9` leaves a block whole or absent, never torn.
 * @module
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { verifyBlock } from '@alternet/core/content'

/** Block files `BlockFiles.sync` flushes at once. */
export const SYNC_CONCURRENCY = 16

/** The block files of one relay. */
export class BlockFiles {
  private readonly dir: string
  private tmpCounter = 0

  constructor(dir: string) {
    this.dir = dir
  }

  /** Creates the folder. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true })
  }

  private path(cid: string): string {
    return join(this.dir, cid.slice(-2), cid)
  }

  /** The block's bytes, or undefined when not held. */
  async get(cid: CID | string): Promise<Uint8Array | undefined> {
    try {
      // The file's own buffer (a read of known size is never pooled), seen as plain bytes: not copied.
      const bytes = await readFile(this.path(cid.toString()))
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** The size of a held block, or undefined. */
  async size(cid: CID | string): Promise<number | undefined> {
    try {
      return (await stat(this.path(cid.toString()))).size
    } catch {
      return undefined
    }
  }

  /**
   * Verifies `bytes` against `cid` and writes them durably. Throws the content core's
   * `BlockVerificationError`, or the file system's error (`ENOSPC` for a full disk), in which
   * case nothing is left behind.
   */
  async put(cid: CID, bytes: Uint8Array, options: { sync?: boolean } = {}): Promise<void> {
    await verifyBlock(cid, bytes)
    const name = cid.toString()
    const final = this.path(name)
    await mkdir(join(this.dir, name.slice(-2)), { recursive: true })
    const tmp = `${final}.${process.pid}.${this.tmpCounter++}.tmp`
    try {
      const file = await open(tmp, 'w')
      try {
        await file.writeFile(bytes)
        if (options.sync !== false) await file.sync()
      } finally {
        await file.close()
      }
      await rename(tmp, final)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }

  /**
   * Flushes blocks written with `sync: false` to the disk (before the site they belong to is
   * recorded complete, so that a crash of the machine cannot leave it complete but torn), up to
   * `SYNC_CONCURRENCY` files at once: the file system commits their flushes together.
   */
  async sync(cids: Iterable<string>): Promise<void> {
    const list = [...cids]
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < list.length) {
        const file = await open(this.path(list[next++]), 'r')
        try {
          await file.sync()
        } finally {
          await file.close()
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, list.length) }, worker))
  }

  /** Deletes a block (no error when absent). */
  async delete(cid: string): Promise<void> {
    await rm(this.path(cid), { force: true })
  }

  /** Every held block's CID, and leftover temporary files deleted. */
  async list(): Promise<string[]> {
    const out: string[] = []
    for (const sub of await readdir(this.dir).catch(() => [] as string[])) {
      for (const name of await readdir(join(this.dir, sub)).catch(() => [] as string[])) {
        if (name.endsWith('.tmp')) {
          await rm(join(this.dir, sub, name), { force: true })
          continue
        }
        try {
          CID.parse(name)
          out.push(name)
        } catch {
          // Not ours: left alone.
        }
      }
    }
    return out
  }
}
