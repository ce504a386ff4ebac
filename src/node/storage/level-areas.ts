/**
 * The records cache, the pins and the published sites of a Node peer, over its LevelDB: the
 * same interfaces and rules as the page's IndexedDB areas (`src/storage/records-cache.ts`,
 * `pins.ts`, `published-sites.ts`), rows in the same shape.
 * @module
 */
import { CID } from 'multiformats/cid'
import { equals } from '../../core/bytes.ts'
import { parseSiteName, rootSiteName } from '../../core/names/index.ts'
import { decodeRecord } from '../../core/records/index.ts'
import { KeyMismatchError } from '../../core/records/errors.ts'
import { STORES } from '../../storage/constants.ts'
import { PinMismatchError } from '../../storage/errors.ts'
import { fingerprint } from '../../core/crypto/fingerprint.ts'
import type { Pin, PinStore } from '../../storage/pins.ts'
import type { PublishedSite, PublishedSites, StoredSite } from '../../storage/published-sites.ts'
import type { CachedRecord, RecordCache, StoredRecord } from '../../storage/records-cache.ts'
import type { LevelDatabase } from './level-database.ts'

function toCached(row: StoredRecord): CachedRecord {
  const { site, bytes, receivedAt, holder, seq, expires } = row
  return { site, bytes, receivedAt, holder, seq, expires }
}

/** The records cache over `db`. */
export function createLevelRecordCache(db: LevelDatabase): RecordCache {
  const area = STORES.records
  return {
    async getCachedRecord(site) {
      const row = await db.get<StoredRecord>(area, parseSiteName(site).site)
      return row === undefined ? undefined : toCached(row)
    },
    async putCachedRecord(site, bytes, receivedAt = Date.now()) {
      const key = parseSiteName(site).site
      const record = decodeRecord(bytes)
      if (record.body.name !== key)
        throw new KeyMismatchError(
          `a record for "${record.body.name}" cannot be cached as "${key}"`,
        )
      const row: StoredRecord = {
        site: key,
        root: rootSiteName(key),
        bytes: bytes.slice(),
        receivedAt,
        holder: record.holder,
        seq: record.body.seq,
        expires: record.body.expires,
      }
      return db.exclusive(async () => {
        const existing = await db.get<StoredRecord>(area, key)
        if (existing !== undefined && equals(existing.holder, row.holder) && existing.seq > row.seq)
          return false
        await db.batch([{ type: 'put', area, key, value: row }])
        return true
      })
    },
    deleteCachedRecord: (site) =>
      db.exclusive(() => db.batch([{ type: 'del', area, key: parseSiteName(site).site }])),
    listCachedSites: async () => (await db.entries(area)).map(([key]) => key),
    clearCachedRecords: () =>
      db.exclusive(async () =>
        db.batch((await db.entries(area)).map(([key]) => ({ type: 'del', area, key }))),
      ),
  }
}

/** The pins over `db`. */
export function createLevelPinStore(db: LevelDatabase): PinStore {
  const area = STORES.pins
  return {
    getPin: (site) => db.get<Pin>(area, rootSiteName(site)),
    async pin(site, holder, at = Date.now()) {
      const root = rootSiteName(site)
      const result = await db.exclusive(async () => {
        const existing = await db.get<Pin>(area, root)
        if (existing !== undefined) return existing
        const pin: Pin = { root, holder: holder.slice(), pinnedAt: at, replaced: false }
        await db.batch([{ type: 'put', area, key: root, value: pin }])
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
      return db.exclusive(async () => {
        const cached = await db.entries<StoredRecord>(STORES.records)
        await db.batch([
          { type: 'put', area, key: root, value: pin },
          ...cached
            .filter(([, row]) => row.root === root && !equals(row.holder, holder))
            .map(([key]) => ({ type: 'del' as const, area: STORES.records, key })),
        ])
        return pin
      })
    },
    deletePin: (site) =>
      db.exclusive(() => db.batch([{ type: 'del', area, key: rootSiteName(site) }])),
    listPins: async () => (await db.entries<Pin>(area)).map(([, pin]) => pin),
  }
}

function toSite(row: StoredSite): PublishedSite {
  const { root, ...rest } = row
  return root === undefined ? { ...rest } : { ...rest, root: CID.parse(root) }
}

/** The published sites over `db`. */
export function createLevelPublishedSites(db: LevelDatabase): PublishedSites {
  const area = STORES.sites
  const update = (site: string, change: (row: StoredSite) => void): Promise<void> =>
    db.exclusive(async () => {
      const key = parseSiteName(site).site
      const row = await db.get<StoredSite>(area, key)
      if (row === undefined) return
      change(row)
      await db.batch([{ type: 'put', area, key, value: row }])
    })
  return {
    async getPublishedSite(site) {
      const row = await db.get<StoredSite>(area, parseSiteName(site).site)
      return row === undefined ? undefined : toSite(row)
    },
    listPublishedSites: async () => (await db.entries<StoredSite>(area)).map(([, r]) => toSite(r)),
    async putPublishedSite(record, options = {}) {
      const { body } = decodeRecord(record)
      const parsed = parseSiteName(body.name)
      const row = await db.exclusive(async () => {
        const previous = await db.get<StoredSite>(area, parsed.site)
        const next: StoredSite = {
          site: parsed.site,
          name: parsed.name,
          topic: parsed.topic,
          owner: body.owner,
          seq: body.seq,
          record: record.slice(),
          publishedAt: options.publishedAt ?? Date.now(),
          hosted: options.hosted ?? previous?.hosted ?? true,
        }
        if (body.content !== undefined) next.root = body.content.toString()
        await db.batch([{ type: 'put', area, key: parsed.site, value: next }])
        return next
      })
      return toSite(row)
    },
    markRepublished: (site, at = Date.now()) =>
      update(site, (row) => {
        row.publishedAt = at
      }),
    setHosted: (site, hosted) =>
      update(site, (row) => {
        row.hosted = hosted
      }),
    deletePublishedSite: (site) =>
      db.exclusive(() => db.batch([{ type: 'del', area, key: parseSiteName(site).site }])),
  }
}
