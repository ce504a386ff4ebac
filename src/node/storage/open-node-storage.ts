/**
 * `openNodeStorage`: the local store of a Node peer in a data directory, behind the same
 * `AlternetStorage` interface as the page's IndexedDB store, so the naming service, hosting and
 * fetching run on it unchanged. Layout of the data directory (mode 0700):
 * - `db/`: LevelDB (records cache, pins, published sites, block index, hosted sites);
 * - `blocks/<cid>`: verified content blocks, one file each;
 * - `peer-key`, `owner-key.json`: the two keys (mode 0600; see `file-identity.ts`).
 * @module
 */
import { mkdir, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import type { AlternetStorage } from '../../storage/index.ts'
import { createFileBlockStore } from './file-blocks.ts'
import { createFileIdentity, DATA_DIR_MODE } from './file-identity.ts'
import { createPinStore } from '../../storage/pins.ts'
import { createPublishedSites } from '../../storage/published-sites.ts'
import { createRecordCache } from '../../storage/records-cache.ts'
import { levelKeyValue } from './level-key-value.ts'
import { openLevelDatabase } from './level-database.ts'

/** Options of `openNodeStorage`. */
export interface OpenNodeStorageOptions {
  /** The data directory; created when missing. */
  dir: string
  /** Encrypt the owner key at rest with this passphrase. @default undefined (mode 0600 only) */
  keyPassphrase?: string
}

/** The store of a Node peer; `close()` also releases the LevelDB lock. */
export interface NodeStorage extends AlternetStorage {
  /** The data directory. */
  readonly dir: string
  /** Closes the database and waits for it. */
  closed(): Promise<void>
}

/**
 * Opens the store in `dir`. Throws `StorageUnavailableError` when another process uses it.
 * @example
 * ```ts
 * const storage = await openNodeStorage({ dir: '/var/lib/alternet' })
 * const owner = await storage.identity.getOrCreateOwnerKey()
 * ```
 */
export async function openNodeStorage(options: OpenNodeStorageOptions): Promise<NodeStorage> {
  const dir = options.dir
  await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE })
  const db = await openLevelDatabase(join(dir, 'db'))
  const rows = levelKeyValue(db)
  const sites = createPublishedSites(rows)
  const blocks = await createFileBlockStore(db, join(dir, 'blocks'))
  const identity = await createFileIdentity({ dir, sites, keyPassphrase: options.keyPassphrase })
  let closing: Promise<void> | undefined
  const closed = (): Promise<void> => (closing ??= db.close())
  return {
    name: dir,
    dir,
    identity,
    records: createRecordCache(rows),
    pins: createPinStore(rows),
    sites,
    blocks,
    async usage() {
      const own = await blocks.blockUsage()
      const fs = await statfs(dir).catch(() => undefined)
      return fs === undefined
        ? { blocks: own, persisted: true }
        : {
            blocks: own,
            usage: own.bytes,
            quota: own.bytes + fs.bavail * fs.bsize,
            persisted: true,
          }
    },
    persist: async () => true,
    close: () => void closed(),
    closed,
  }
}
