/**
 * Keeping visited sites' blocks from a worker (`keep-worker.ts`): each batch is copied once
 * (a native copy, so that the bytes the visitor is reading stay where they are) and its copy's
 * buffers are transferred to the worker, which makes the IndexedDB writes. The page's thread
 * pays the copy, not the serialization of every value. Where no worker can start (a service
 * worker, a browser that refuses it), or one fails, batches go to `fallback` on this thread.
 * @module
 */
import type { Block } from '../../storage/index.ts'
import type { FromKeepWorker, ToKeepWorker } from './keep-messages.ts'

/** Writes a batch of verified blocks as used by `site`, in one transaction. */
export type KeepBlocks = (site: string, blocks: readonly Block[]) => Promise<void>

/** A batch the worker refused (a full store, an unavailable database). */
export class KeepWorkerError extends Error {
  override name = 'KeepWorkerError'
}

/**
 * A `KeepBlocks` writing in a worker to database `db`, or through `fallback` where no worker
 * runs. The worker starts at the first batch.
 */
export function keepOffThread(db: string, fallback: KeepBlocks): KeepBlocks {
  let worker: Worker | undefined
  let broken = typeof Worker === 'undefined'
  let nextId = 0
  const waiting = new Map<
    number,
    { site: string; blocks: readonly Block[]; resolve(): void; reject(e: unknown): void }
  >()

  /** The worker failed to start or run: what it had is written here, and so is what follows. */
  const giveUp = (): void => {
    broken = true
    worker?.terminate()
    worker = undefined
    for (const job of waiting.values()) fallback(job.site, job.blocks).then(job.resolve, job.reject)
    waiting.clear()
  }

  const start = (): Worker | undefined => {
    if (worker !== undefined || broken) return worker
    try {
      worker = new Worker(new URL('./keep-worker.ts', import.meta.url), { type: 'module' })
    } catch {
      broken = true
      return undefined
    }
    worker.addEventListener('error', giveUp)
    worker.addEventListener('message', (event: MessageEvent<FromKeepWorker>) => {
      const job = waiting.get(event.data.id)
      if (job === undefined) return
      waiting.delete(event.data.id)
      const error = event.data.error
      if (error === undefined) job.resolve()
      else job.reject(new KeepWorkerError(`${error.name}: ${error.message}`))
    })
    return worker
  }

  return (site, blocks) => {
    const w = start()
    if (w === undefined) return fallback(site, blocks)
    const id = nextId++
    const wire = blocks.map((b) => ({ cid: b.cid.bytes, bytes: b.bytes.slice() }))
    return new Promise<void>((resolve, reject) => {
      waiting.set(id, { site, blocks, resolve, reject })
      w.postMessage({ id, db, site, blocks: wire } satisfies ToKeepWorker, {
        transfer: wire.map((b) => b.bytes.buffer),
      })
    })
  }
}
