/**
 * The small key-value interface the store's rules are written against, so that one rule holds
 * for every backend: IndexedDB in the page and the service worker (`idb-key-value.ts`), LevelDB
 * in a Node peer (`src/node/storage/level-key-value.ts`). Areas are the stores of `STORES`;
 * keys are strings; values are structured-clone rows. A transaction reads and then writes: the
 * writes of one `readwrite` transaction are kept all together or not at all, and no other
 * `readwrite` transaction over the same areas runs in between.
 * @module
 */
import type { StoreName } from './constants.ts'

/** The reads and writes of one transaction. Writes take effect when it commits. */
export interface KeyValueTransaction {
  /** The value under `key` in `area`, or undefined. */
  get<T>(area: StoreName, key: string): Promise<T | undefined>
  /** Every value of `area`, in key order. */
  values<T>(area: StoreName): Promise<T[]>
  /** Every key of `area`, in order. */
  keys(area: StoreName): Promise<string[]>
  /**
   * The values of `area` whose field `index` equals `value`, in key order. The area has an
   * index of that name on that field (`RECORDS_BY_ROOT`, …): a backend may use it or scan.
   */
  valuesBy<T>(area: StoreName, index: string, value: string): Promise<T[]>
  /** Puts `value` under `key`. */
  put(area: StoreName, key: string, value: unknown): void
  /** Deletes `key`. */
  delete(area: StoreName, key: string): void
  /** Deletes every key of `area`. */
  clear(area: StoreName): void
}

/** A backend of the store: reads, and transactions over some areas. */
export interface KeyValueStore {
  /** The value under `key` in `area`, or undefined. */
  get<T>(area: StoreName, key: string): Promise<T | undefined>
  /** Every value of `area`, in key order. */
  values<T>(area: StoreName): Promise<T[]>
  /**
   * Runs `fn` in one transaction over `areas` and resolves once its writes are committed. When
   * `fn` throws, nothing it wrote is kept. `fn` may only wait on the transaction's own reads.
   */
  transact<T>(
    areas: StoreName[],
    mode: 'readonly' | 'readwrite',
    fn: (tx: KeyValueTransaction) => T | Promise<T>,
  ): Promise<T>
}
