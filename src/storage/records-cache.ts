/**
 * Records received from the network, by site name, with the time they arrived: a resolve
 * answers from here while the record's TTL lasts. The naming service validates a record before
 * caching it and again (clock, pins) before using it. The rules are written once, over the
 * store's key-value interface: the page's IndexedDB and a Node peer's LevelDB keep them alike.
 * @module
 */
import { equals } from '../core/bytes.ts'
import { rootSiteName, parseSiteName } from '../core/names/index.ts'
import { decodeRecord, KeyMismatchError } from '../core/records/index.ts'
import { STORES } from './constants.ts'
import type { KeyValueStore } from './key-value.ts'

/** A row of the `records` store. */
export interface StoredRecord {
  site: string
  /** Root site name, indexed: a pin change drops the root's subdomain records too. */
  root: string
  bytes: Uint8Array
  receivedAt: number
  holder: Uint8Array
  seq: number
  expires: number
}

/** A cached record. */
export interface CachedRecord {
  /** Canonical site name. */
  site: string
  /** The record's envelope bytes, as received. */
  bytes: Uint8Array
  /** When it was received, ms since the epoch (its TTL counts from here). */
  receivedAt: number
  /** The key that holds the name. */
  holder: Uint8Array
  /** The record's sequence number. */
  seq: number
  /** When the record expires, ms since the epoch. */
  expires: number
}

/** The records cache area. */
export interface RecordCache {
  /** The cached record of `site`, or undefined. */
  getCachedRecord(site: string): Promise<CachedRecord | undefined>
  /**
   * Caches `bytes` (a record the caller validated) for `site`. Resolves to false, keeping the
   * cached one, when a record of the same holder with a higher `seq` is cached (no rollback).
   * Throws `KeyMismatchError` when the record names another site, and the core's decode errors.
   */
  putCachedRecord(site: string, bytes: Uint8Array, receivedAt?: number): Promise<boolean>
  /** Forgets the cached record of `site`. */
  deleteCachedRecord(site: string): Promise<void>
  /** The names of every site with a cached record (canonical, in order). */
  listCachedSites(): Promise<string[]>
  /** Forgets every cached record. */
  clearCachedRecords(): Promise<void>
}

function toCached(row: StoredRecord): CachedRecord {
  return {
    site: row.site,
    bytes: row.bytes,
    receivedAt: row.receivedAt,
    holder: row.holder,
    seq: row.seq,
    expires: row.expires,
  }
}

/** The records cache over `db` (IndexedDB or LevelDB). */
export function createRecordCache(db: KeyValueStore): RecordCache {
  const area = STORES.records
  return {
    async getCachedRecord(site) {
      const row = await db.get<StoredRecord>(area, parseSiteName(site).site)
      return row === undefined ? undefined : toCached(row)
    },

    async putCachedRecord(site, bytes, receivedAt = Date.now()) {
      const key = parseSiteName(site).site
      const record = decodeRecord(bytes)
      if (record.body.name !== key) {
        throw new KeyMismatchError(
          `a record for "${record.body.name}" cannot be cached as "${key}"`,
        )
      }
      const row: StoredRecord = {
        site: key,
        root: rootSiteName(key),
        bytes: bytes.slice(),
        receivedAt,
        holder: record.holder,
        seq: record.body.seq,
        expires: record.body.expires,
      }
      return db.transact([area], 'readwrite', async (tx) => {
        const existing = await tx.get<StoredRecord>(area, key)
        if (existing !== undefined && equals(existing.holder, row.holder) && existing.seq > row.seq)
          return false
        tx.put(area, key, row)
        return true
      })
    },

    deleteCachedRecord: (site) =>
      db.transact([area], 'readwrite', (tx) => tx.delete(area, parseSiteName(site).site)),

    listCachedSites: () => db.transact([area], 'readonly', (tx) => tx.keys(area)),

    clearCachedRecords: () => db.transact([area], 'readwrite', (tx) => tx.clear(area)),
  }
}
