/**
 * Sites this device publishes: for each, the last record signed for it (the truth from which
 * name, owner and content root are read), when it was last put into the DHT, and whether this
 * device hosts its content. The naming service republishes from here. Written over the store's
 * key-value interface: the same rules in the page's IndexedDB and a Node peer's LevelDB.
 * @module
 */
import { CID } from 'multiformats/cid'
import { decodeRecord } from '../core/records/index.ts'
import { parseSiteName } from '../core/names/index.ts'
import { STORES } from './constants.ts'
import type { KeyValueStore } from './key-value.ts'

/** A row of the `sites` store. */
export interface StoredSite {
  site: string
  name: string
  topic: string
  owner: Uint8Array
  seq: number
  root?: string
  record: Uint8Array
  publishedAt: number
  hosted: boolean
  presignedSeq?: number
  keepAlive?: KeepAlive
}

/** Where a site lives without this device: what the mirrors said when last asked. */
export interface KeepAlive {
  /** How long the owner chose to keep the site up without this device, ms after publishing. */
  horizon: number
  /** Until when (ms since the epoch) the mirrors keep the site up without this device; undefined when none holds it. */
  aliveUntil?: number
  /** The mirrors that hold the site, as a person reads them (relay names or hosts). */
  mirrors: string[]
  /** When the mirrors were last asked, ms since the epoch. */
  checkedAt: number
}

/** A site this device publishes. */
export interface PublishedSite {
  /** Canonical site name, e.g. `api.mysite:code`. */
  site: string
  /** The name part: `mysite`. */
  name: string
  /** The topic: `code`. */
  topic: string
  /** The key that signed the last record (this device's owner key, or a delegate). */
  owner: Uint8Array
  /** Sequence number of the last record. */
  seq: number
  /** The content root (manifest CID) of the last record, if it has one. */
  root?: CID
  /** The last record's envelope bytes, ready to put again. */
  record: Uint8Array
  /** When the record was last put into the DHT, ms since the epoch. */
  publishedAt: number
  /** Whether this device serves the site's content. */
  hosted: boolean
  /**
   * The highest `seq` this device pre-signed for the site (handed to mirrors): the next record
   * it signs must be above it, or the DHT would keep a pre-signed one over it.
   */
  presignedSeq?: number
  /** Where the site lives without this device, when the mirrors were asked. */
  keepAlive?: KeepAlive
}

/** Options of `putPublishedSite`. */
export interface PutPublishedSiteOptions {
  /** When the record was put into the DHT, ms since the epoch. @default Date.now() */
  publishedAt?: number
  /** Whether this device hosts the content. @default the stored value, else true */
  hosted?: boolean
}

/** The "sites I publish" area. */
export interface PublishedSites {
  /** The site, or undefined when this device does not publish it. */
  getPublishedSite(site: string): Promise<PublishedSite | undefined>
  /** Every site this device publishes, by name. */
  listPublishedSites(): Promise<PublishedSite[]>
  /**
   * Stores `record` (envelope bytes, signed by this device) as the last record of its site.
   * Decodes it (throws the core's record errors) but does not validate it: the caller just made it.
   */
  putPublishedSite(record: Uint8Array, options?: PutPublishedSiteOptions): Promise<PublishedSite>
  /** Notes that the stored record was put into the DHT again at `at`. */
  markRepublished(site: string, at?: number): Promise<void>
  /** Starts or stops hosting the site's content (the blocks are kept or deleted by `blocks`). */
  setHosted(site: string, hosted: boolean): Promise<void>
  /**
   * Notes the highest pre-signed `seq` (kept when lower than the one stored) and where the site
   * lives without this device.
   */
  setKeepAlive?(
    site: string,
    change: { presignedSeq?: number; keepAlive?: KeepAlive },
  ): Promise<void>
  /** Stops publishing the site from this device. */
  deletePublishedSite(site: string): Promise<void>
}

function toSite(row: StoredSite): PublishedSite {
  const site: PublishedSite = {
    site: row.site,
    name: row.name,
    topic: row.topic,
    owner: row.owner,
    seq: row.seq,
    record: row.record,
    publishedAt: row.publishedAt,
    hosted: row.hosted,
  }
  if (row.root !== undefined) site.root = CID.parse(row.root)
  if (row.presignedSeq !== undefined) site.presignedSeq = row.presignedSeq
  if (row.keepAlive !== undefined) site.keepAlive = row.keepAlive
  return site
}

/** The published-sites area over `db` (IndexedDB or LevelDB). */
export function createPublishedSites(db: KeyValueStore): PublishedSites {
  const area = STORES.sites
  const update = (site: string, change: (row: StoredSite) => void): Promise<void> =>
    db.transact([area], 'readwrite', async (tx) => {
      const key = parseSiteName(site).site
      const row = await tx.get<StoredSite>(area, key)
      if (row === undefined) return
      change(row)
      tx.put(area, key, row)
    })

  return {
    async getPublishedSite(site) {
      const row = await db.get<StoredSite>(area, parseSiteName(site).site)
      return row === undefined ? undefined : toSite(row)
    },

    async listPublishedSites() {
      return (await db.values<StoredSite>(area)).map(toSite)
    },

    async putPublishedSite(record, options = {}) {
      const { body } = decodeRecord(record)
      const parsed = parseSiteName(body.name)
      const row = await db.transact([area], 'readwrite', async (tx) => {
        const previous = await tx.get<StoredSite>(area, parsed.site)
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
        // Pre-signed records stay out there whatever this device signs next: keep their seq.
        if (previous?.presignedSeq !== undefined) next.presignedSeq = previous.presignedSeq
        if (previous?.keepAlive !== undefined) next.keepAlive = previous.keepAlive
        tx.put(area, parsed.site, next)
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

    setKeepAlive: (site, change) =>
      update(site, (row) => {
        if (change.presignedSeq !== undefined)
          row.presignedSeq = Math.max(row.presignedSeq ?? 0, change.presignedSeq)
        if (change.keepAlive !== undefined) row.keepAlive = change.keepAlive
      }),

    deletePublishedSite: (site) =>
      db.transact([area], 'readwrite', (tx) => tx.delete(area, parseSiteName(site).site)),
  }
}
