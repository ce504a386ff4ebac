/**
 * Messages between the page and the keeping worker (`keep-worker.ts`). Errors cross the
 * boundary as plain objects.
 * @module
 */
import type { WireBlock, WireError } from '../hosting/hash-messages.ts'

/** Page → worker: store `blocks` as used by `site` in database `db`, in one transaction. */
export interface ToKeepWorker {
  id: number
  db: string
  site: string
  blocks: WireBlock[]
}

/** Worker → page: batch `id` is stored, or failed with `error`. */
export interface FromKeepWorker {
  id: number
  error?: WireError
}
