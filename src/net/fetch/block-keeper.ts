/**
 * Keeping the blocks of visited sites: verified blocks fetched from peers are written to the
 * store behind the fetch, in batches, under the visited site's name, so a revisit works without
 * peers. Writing starts once no block has come for `KEEP_QUIET_MS` (the fetch is over) or when
 * `KEEP_WRITE_AT_BYTES` are waiting: an IndexedDB write copies its bytes on the page's thread,
 * the thread that also reads the fetch's streams, and a 20 MiB fetch would otherwise pay for it. Bounded: only sites visited, only their current content (the
 * blocks of a previous root go when a new one is visited), and at most
 * `MAX_PENDING_CACHE_BYTES` waiting to be written.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { RAW_CODEC } from '../../core/content/index.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import type { KeepBlocks } from './keep-off-thread.ts'
import {
  CACHE_BATCH_BYTES,
  KEEP_QUIET_MS,
  KEEP_WRITE_AT_BYTES,
  MAX_PENDING_CACHE_BYTES,
} from './constants.ts'

/** The cache of visited sites' blocks. */
export interface BlockKeeper {
  /** Queues a verified block of `site` for the store. */
  keep(site: string, cid: CID, bytes: Uint8Array): void
  /**
   * Notes that `site` is now at `root`: the blocks kept for an earlier root of a visited
   * (not hosted) site are dropped first. Resolves when done.
   */
  visit(site: string, root: CID): Promise<void>
  /** Writes what is queued now, and resolves when every queued block is written (or failed to be). */
  flush(): Promise<void>
}

/**
 * Creates the keeper over `store`; `write` writes each batch (by default `store.putBlocks` on
 * this thread; the page's peer writes from a worker, `keep-off-thread.ts`). Write failures (a
 * full store) only mean fewer blocks kept.
 */
export function createBlockKeeper(
  store: ContentStore,
  write: KeepBlocks = (site, blocks) => store.putBlocks(site, blocks, { verified: true }),
): BlockKeeper {
  const queues = new Map<string, Map<string, { cid: CID; bytes: Uint8Array }>>()
  const roots = new Map<string, string>()
  let pending = 0
  let running = false
  let writing: Promise<void> = Promise.resolve()
  let quiet: ReturnType<typeof setTimeout> | undefined

  /** Writes until nothing is queued; blocks queued meanwhile are written by the same run. */
  const writeQueued = async (): Promise<void> => {
    for (const [site, queue] of queues) {
      while (queue.size > 0) {
        const batch: { cid: CID; bytes: Uint8Array }[] = []
        let bytes = 0
        for (const [key, block] of queue) {
          queue.delete(key)
          batch.push(block)
          bytes += block.bytes.length
          if (bytes >= CACHE_BATCH_BYTES) break
        }
        try {
          // Verified as they arrived (`keep` takes only such blocks): not hashed again.
          await write(site, batch)
        } catch {
          // Best effort: a block not kept is fetched again next time.
        } finally {
          pending -= bytes
        }
      }
      queues.delete(site)
    }
  }

  /** Starts a writing run unless one is under way. */
  const start = (): void => {
    clearTimeout(quiet)
    quiet = undefined
    if (running || queues.size === 0) return
    running = true
    writing = writeQueued().finally(() => {
      running = false
    })
  }

  return {
    keep(site, cid, bytes) {
      if (pending + bytes.length > MAX_PENDING_CACHE_BYTES) return
      let queue = queues.get(site)
      if (queue === undefined) {
        queue = new Map()
        queues.set(site, queue)
      }
      const key = cid.toString()
      if (queue.has(key)) return
      queue.set(key, { cid, bytes })
      pending += bytes.length
      if (running) return
      clearTimeout(quiet)
      // A manifest is small and looked for in the store as soon as the response is out (by the
      // help-host completion, by an offline revisit): it is written at once.
      if (pending >= KEEP_WRITE_AT_BYTES || cid.code !== RAW_CODEC) start()
      else quiet = setTimeout(start, KEEP_QUIET_MS)
    },
    async visit(site, root) {
      const rootKey = root.toString()
      if (roots.get(site) === rootKey) return
      roots.set(site, rootKey)
      if ((await store.getHostedSite(site)) !== undefined) return
      const kept = await store.siteBlocks(site)
      const manifests = kept.filter((cid) => cid.code === root.code)
      if (manifests.length > 0 && manifests.some((cid) => !cid.equals(root))) {
        start()
        await writing
        await store.deleteSite(site)
      }
    },
    flush() {
      start()
      return writing
    },
  }
}
