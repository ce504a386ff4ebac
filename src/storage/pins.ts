/**
 * Trust on first use: the holder key first seen for each root name. A record under another
 * key is refused (`PinMismatchError`) until the person knowingly accepts the change
 * (`replacePin`). Subdomains share their root's pin. Written over the store's key-value
 * interface: the same rules in the page's IndexedDB and a Node peer's LevelDB.
 * @module
 */
import { equals } from '../core/bytes.ts'
import { rootSiteName } from '../core/names/index.ts'
import { RECORDS_BY_ROOT, STORES } from './constants.ts'
import type { KeyValueStore } from './key-value.ts'
import { PinMismatchError } from './errors.ts'
import { fingerprint } from '../core/crypto/fingerprint.ts'
import type { StoredRecord } from './records-cache.ts'

/** A pinned holder key. */
export interface Pin {
  /** Canonical root site name, e.g. `mysite:code`. */
  root: string
  /** The holder key pinned for it. */
  holder: Uint8Array
  /** When it was pinned (first seen, or accepted as a change), ms since the epoch. */
  pinnedAt: number
  /** Whether the person accepted this key in place of an earlier one. */
  replaced: boolean
}

/** The pins area. */
export interface PinStore {
  /** The pin of `site`'s root name, or undefined when none was seen yet. */
  getPin(site: string): Promise<Pin | undefined>
  /**
   * Pins `holder` for `site`'s root when nothing is pinned; resolves to the pin. Throws
   * `PinMismatchError` when another key is pinned, and changes nothing.
   */
  pin(site: string, holder: Uint8Array, at?: number): Promise<Pin>
  /**
   * The person's knowing acceptance of a new key for `site`'s root: pins `holder` and, in the
   * same transaction, drops cached records of that root (and its subdomains) under other keys.
   */
  replacePin(site: string, holder: Uint8Array, at?: number): Promise<Pin>
  /** Forgets the pin of `site`'s root. */
  deletePin(site: string): Promise<void>
  /** Every pin, by root name. */
  listPins(): Promise<Pin[]>
}

/** The pins area over `db` (IndexedDB or LevelDB). */
export function createPinStore(db: KeyValueStore): PinStore {
  const area = STORES.pins
  return {
    getPin: (site) => db.get<Pin>(area, rootSiteName(site)),

    async pin(site, holder, at = Date.now()) {
      const root = rootSiteName(site)
      const result = await db.transact([area], 'readwrite', async (tx) => {
        const existing = await tx.get<Pin>(area, root)
        if (existing !== undefined) return existing
        const pin: Pin = { root, holder: holder.slice(), pinnedAt: at, replaced: false }
        tx.put(area, root, pin)
        return pin
      })
      if (!equals(result.holder, holder)) {
        const [was, now] = await Promise.all([fingerprint(result.holder), fingerprint(holder)])
        throw new PinMismatchError(
          root,
          result.holder,
          holder,
          `"${root}" is now signed by a different key (${now}) than the one you first saw (${was}). It may have changed hands, or someone may be impersonating it.`,
        )
      }
      return result
    },

    replacePin: (site, holder, at = Date.now()) => {
      const root = rootSiteName(site)
      const pin: Pin = { root, holder: holder.slice(), pinnedAt: at, replaced: true }
      return db.transact([area, STORES.records], 'readwrite', async (tx) => {
        tx.put(area, root, pin)
        const cached = await tx.valuesBy<StoredRecord>(STORES.records, RECORDS_BY_ROOT, root)
        for (const row of cached)
          if (!equals(row.holder, holder)) tx.delete(STORES.records, row.site)
        return pin
      })
    },

    deletePin: (site) =>
      db.transact([area], 'readwrite', (tx) => tx.delete(area, rootSiteName(site))),

    listPins: () => db.values<Pin>(area),
  }
}
