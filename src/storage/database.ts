/**
 * The one IndexedDB database behind every storage area: schema, a connection reopened on
 * demand, idb-keyval stores over it for single-store work, and transactions spanning stores for
 * writes that belong together.
 * @module
 */
import { get, promisifyRequest, values, type UseStore } from 'idb-keyval'
import {
  DB_VERSION,
  RECORDS_BY_ROOT,
  SITE_BLOCKS_BY_CID,
  STORES,
  type StoreName,
} from './constants.ts'
import { StorageUnavailableError, storageError } from './errors.ts'

/** Creates or migrates the stores; `oldVersion` 0 is a new database. */
function upgrade(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(STORES.identity)
    db.createObjectStore(STORES.records).createIndex(RECORDS_BY_ROOT, 'root')
    db.createObjectStore(STORES.pins)
    db.createObjectStore(STORES.sites)
    db.createObjectStore(STORES.blocks)
    db.createObjectStore(STORES.siteBlocks).createIndex(SITE_BLOCKS_BY_CID, 'cid')
    db.createObjectStore(STORES.hosted)
    db.createObjectStore(STORES.meta)
  }
}

/** A lazily opened connection to one Alternet database. */
export interface Database {
  /** The database name. */
  readonly name: string
  /** An idb-keyval store over one object store of this database. */
  store(name: StoreName): UseStore
  /** The value under `key` in `store`, read through idb-keyval. */
  get<T>(store: StoreName, key: IDBValidKey): Promise<T | undefined>
  /** Every value of `store`, in key order. */
  values<T>(store: StoreName): Promise<T[]>
  /**
   * Runs `fn` in one transaction over `stores` and resolves once it has committed. `fn` may only
   * wait on requests of `tx` (anything else lets the transaction commit early). When `fn` throws
   * or rejects the transaction is aborted and nothing it wrote is kept.
   */
  transact<T>(
    stores: StoreName[],
    mode: IDBTransactionMode,
    fn: (tx: IDBTransaction) => T | Promise<T>,
    options?: IDBTransactionOptions,
  ): Promise<T>
  /** Closes the connection; the next call opens it again. */
  close(): void
}

/** Opens (or creates) database `name` through `factory`. */
export function openDatabase(name: string, factory: IDBFactory | undefined): Database {
  let connection: Promise<IDBDatabase> | undefined

  const connect = (): Promise<IDBDatabase> => {
    if (connection !== undefined) return connection
    if (factory == null) {
      return Promise.reject(
        new StorageUnavailableError(
          'This browser gives Alternet no IndexedDB (private browsing?): keys and sites cannot be kept.',
        ),
      )
    }
    let request: IDBOpenDBRequest
    try {
      request = factory.open(name, DB_VERSION)
    } catch (error) {
      return Promise.reject(storageError(error))
    }
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion)
    const opening = promisifyRequest(request).then(
      (db) => {
        // Another tab deleting or upgrading the database must not be blocked by this one.
        db.onversionchange = () => {
          db.close()
          if (connection === opening) connection = undefined
        }
        db.onclose = () => {
          if (connection === opening) connection = undefined
        }
        return db
      },
      (error: unknown) => {
        connection = undefined
        if ((error as { name?: unknown } | null)?.name === 'VersionError') {
          throw new StorageUnavailableError(
            'A newer version of Alternet has upgraded its storage: reload the page.',
            { cause: error },
          )
        }
        throw storageError(error)
      },
    )
    connection = opening
    return opening
  }

  const transact = async <T>(
    stores: StoreName[],
    mode: IDBTransactionMode,
    fn: (tx: IDBTransaction) => T | Promise<T>,
    options?: IDBTransactionOptions,
  ): Promise<T> => {
    const db = await connect()
    let tx: IDBTransaction
    try {
      tx = db.transaction(stores, mode, options)
    } catch (error) {
      throw storageError(error)
    }
    const done = promisifyRequest(tx)
    let result: T
    try {
      result = await fn(tx)
    } catch (error) {
      try {
        tx.abort()
      } catch {
        // Already aborted by the failed request.
      }
      await done.catch(() => undefined)
      throw storageError(error)
    }
    try {
      await done
    } catch (error) {
      throw storageError(error ?? tx.error)
    }
    return result
  }

  const store =
    (storeName: StoreName): UseStore =>
    (mode, callback) =>
      connect().then((db) => callback(db.transaction(storeName, mode).objectStore(storeName)))

  return {
    name,
    store,
    get: <T>(storeName: StoreName, key: IDBValidKey) => mapped(get<T>(key, store(storeName))),
    values: <T>(storeName: StoreName) => mapped(values<T>(store(storeName))),
    transact,
    close: () => {
      const current = connection
      connection = undefined
      void current?.then(
        (db) => db.close(),
        () => undefined,
      )
    },
  }
}

/** `promise`, with IndexedDB failures turned into storage errors. */
export function mapped<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw storageError(error)
  })
}

/** Resolves with a request's result (for use inside `Database.transact`). */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return promisifyRequest(req)
}

/** Deletes database `name` and everything in it (keys included). */
export async function deleteDatabase(
  name: string,
  factory: IDBFactory | undefined = globalThis.indexedDB,
): Promise<void> {
  if (factory == null)
    throw new StorageUnavailableError('This browser gives Alternet no IndexedDB.')
  await promisifyRequest(factory.deleteDatabase(name))
}
