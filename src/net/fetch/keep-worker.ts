/**
 * The keeping worker: writes the verified blocks of visited sites to the page's IndexedDB off
 * the page's main thread. An IndexedDB `put` serializes its value on the thread that calls it,
 * the thread that also reads the fetch's streams; here it runs beside them. The page hands each
 * batch over with its buffers transferred (`keep-off-thread.ts`) and is told when the
 * transaction committed, or why it failed.
 * Started by `keepOffThread` with `new Worker(new URL('./keep-worker.ts', import.meta.url), { type: 'module' })`.
 * @module
 */
import { CID } from 'multiformats/cid'
import { createBlockStore, type BlockStore } from '../../storage/blocks.ts'
import { openDatabase } from '../../storage/database.ts'
import { toWireError } from '../hosting/hash-messages.ts'
import type { FromKeepWorker, ToKeepWorker } from './keep-messages.ts'

interface WorkerScope {
  postMessage(message: FromKeepWorker): void
  addEventListener(type: 'message', listener: (event: MessageEvent<ToKeepWorker>) => void): void
}

const scope = globalThis as unknown as WorkerScope
/** One store per database name, opened on first use. */
const stores = new Map<string, BlockStore>()

scope.addEventListener('message', (event) => {
  const { id, db, site, blocks } = event.data
  let store = stores.get(db)
  if (store === undefined) {
    store = createBlockStore(openDatabase(db, globalThis.indexedDB))
    stores.set(db, store)
  }
  const batch = blocks.map((b) => ({ cid: CID.decode(b.cid), bytes: b.bytes }))
  // Verified on the page as they arrived: not hashed again (see `BlockKeeper.keep`).
  store.putBlocks(site, batch, { verified: true }).then(
    () => scope.postMessage({ id }),
    (error: unknown) => scope.postMessage({ id, error: toWireError(error) }),
  )
})
