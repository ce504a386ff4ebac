/**
 * `openAlternetStorage`: the typed local store of one Alternet peer, over one IndexedDB
 * database.
 * @module
 */
import { createBlockStore, type BlockStore, type BlockUsage } from './blocks.ts'
import { DEFAULT_DB_NAME } from './constants.ts'
import { deleteDatabase, openDatabase } from './database.ts'
import { createIdentityStore, type IdentityStore } from './identity.ts'
import { idbKeyValue } from './idb-key-value.ts'
import { createPinStore, type PinStore } from './pins.ts'
import { createPublishedSites, type PublishedSites } from './published-sites.ts'
import { createRecordCache, type RecordCache } from './records-cache.ts'

/** The parts of `StorageManager` (or of a `StorageBucket`) the store uses. */
export interface StorageManagerLike {
  estimate(): Promise<StorageEstimate>
  persist?(): Promise<boolean>
  persisted?(): Promise<boolean>
}

/** Options of `openAlternetStorage`. */
export interface OpenAlternetStorageOptions {
  /** Name of the IndexedDB database. @default DEFAULT_DB_NAME ('alternet') */
  name?: string
  /** Where databases live: a storage bucket's `indexedDB` keeps Alternet apart. @default globalThis.indexedDB */
  indexedDB?: IDBFactory
  /** Asked for quota and persistence: pass the bucket whose `indexedDB` is used. @default navigator.storage */
  storageManager?: StorageManagerLike
}

/** How much room the store takes and has. */
export interface StorageUsage {
  /** Bytes the browser counts for this origin (or bucket), when it tells. */
  usage?: number
  /** Bytes the browser allows it, when it tells. */
  quota?: number
  /** Blocks held and their bytes, counted by the store itself. */
  blocks: BlockUsage
  /** Whether the browser promised not to evict the data; undefined when it cannot say. */
  persisted?: boolean
}

/** The typed local store of an Alternet peer. */
export interface AlternetStorage {
  /** The database name. */
  readonly name: string
  /** The peer key and the owner key. */
  readonly identity: IdentityStore
  /** Records received, by site name. */
  readonly records: RecordCache
  /** Holder keys pinned on first use. */
  readonly pins: PinStore
  /** Sites this device publishes. */
  readonly sites: PublishedSites
  /** Content blocks of hosted sites. */
  readonly blocks: BlockStore
  /** Room used and available. */
  usage(): Promise<StorageUsage>
  /**
   * Asks the browser not to evict this data under storage pressure (keys live here). Call it
   * once the person has published or imported a key; resolves to whether it was granted.
   */
  persist(): Promise<boolean>
  /** Closes the database connection; any later call opens it again. */
  close(): void
}

function defaultStorageManager(): StorageManagerLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage
}

/**
 * Opens the local store. The database is opened on first use, so this never throws; the first
 * call of an area rejects with `StorageUnavailableError` when the browser gives no IndexedDB.
 *
 * @example
 * ```ts
 * const storage = openAlternetStorage()
 * const node = await createLibp2p({ privateKey: await storage.identity.getOrCreatePeerKey(), ... })
 * const owner = await storage.identity.getOrCreateOwnerKey()
 * const record = await owner.createRecord({ type: 'root', name: 'mysite:code', seq: 1, content: root })
 * await storage.blocks.putSite('mysite:code', root, blocks)
 * await storage.sites.putPublishedSite(record.bytes)
 * ```
 */
export function openAlternetStorage(options: OpenAlternetStorageOptions = {}): AlternetStorage {
  const name = options.name ?? DEFAULT_DB_NAME
  const db = openDatabase(name, options.indexedDB ?? globalThis.indexedDB)
  const manager = options.storageManager ?? defaultStorageManager()
  const blocks = createBlockStore(db)
  const rows = idbKeyValue(db)
  return {
    name,
    identity: createIdentityStore(db),
    records: createRecordCache(rows),
    pins: createPinStore(rows),
    sites: createPublishedSites(rows),
    blocks,
    async usage() {
      const [estimate, persisted, own] = await Promise.all([
        manager?.estimate().catch(() => undefined),
        manager?.persisted?.().catch(() => undefined),
        blocks.blockUsage(),
      ])
      const result: StorageUsage = { blocks: own }
      if (estimate?.usage !== undefined) result.usage = estimate.usage
      if (estimate?.quota !== undefined) result.quota = estimate.quota
      if (persisted !== undefined) result.persisted = persisted
      return result
    },
    async persist() {
      return (await manager?.persist?.().catch(() => false)) ?? false
    },
    close: () => db.close(),
  }
}

/** Deletes the whole store named `name`, keys included: "forget this device". */
export function deleteAlternetStorage(
  name: string = DEFAULT_DB_NAME,
  factory?: IDBFactory,
): Promise<void> {
  return deleteDatabase(name, factory ?? globalThis.indexedDB)
}
