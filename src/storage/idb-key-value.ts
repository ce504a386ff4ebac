/**
 * The IndexedDB backend of the store's key-value interface: each area an object store of the
 * one database, each transaction an IndexedDB transaction (so it spans tabs and workers).
 * @module
 */
import { request, type Database } from './database.ts'
import type { KeyValueStore, KeyValueTransaction } from './key-value.ts'

/** The key-value interface over `db`. */
export function idbKeyValue(db: Database): KeyValueStore {
  const wrap = (tx: IDBTransaction): KeyValueTransaction => ({
    get: async <T>(area: string, key: string) =>
      (await request(tx.objectStore(area).get(key))) as T | undefined,
    values: async <T>(area: string) => (await request(tx.objectStore(area).getAll())) as T[],
    keys: async (area) => ((await request(tx.objectStore(area).getAllKeys())) as string[]).slice(),
    valuesBy: async <T>(area: string, index: string, value: string) =>
      (await request(tx.objectStore(area).index(index).getAll(value))) as T[],
    put: (area, key, value) => void tx.objectStore(area).put(value, key),
    delete: (area, key) => void tx.objectStore(area).delete(key),
    clear: (area) => void tx.objectStore(area).clear(),
  })
  return {
    get: (area, key) => db.get(area, key),
    values: (area) => db.values(area),
    transact: (areas, mode, fn) => db.transact(areas, mode, (tx) => fn(wrap(tx))),
  }
}
