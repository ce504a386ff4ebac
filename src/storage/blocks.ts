/**
 * Content blocks by CID, for the sites this device hosts and the sites it visited. Every block
 * is verified against its CID before it is stored. Each site has an index of the blocks it uses,
 * so deleting a site deletes only the blocks no other site still uses; a hosted site's manifest
 * is stored together with all its blocks in one transaction. A visited site is one with blocks
 * (kept by `putBlocks`) but no hosted content (`putSite`).
 * @module
 */
import { CID } from 'multiformats/cid'
import { parseSiteName } from '../core/names/index.ts'
import {
  USAGE_KEY,
  blocksToAdd,
  checkComplete,
  planSiteRows,
  siteBlocksOf,
  toHosted,
  verifiedBlocks,
  visitedOf,
  visitedSummary,
  type StoredHosted,
} from './block-rules.ts'
import { SITE_BLOCKS_BY_CID, STORES } from './constants.ts'
import { request, type Database } from './database.ts'

export type {
  Block,
  HostedSite,
  BlockUsage,
  DeletedSite,
  VisitedSite,
  ClearedSites,
  PutBlocksOptions,
  BlockStore,
} from './block-types.ts'
import type { BlockUsage, BlockStore, DeletedSite } from './block-types.ts'

interface SiteBlockRow {
  site: string
  cid: string
  size: number
}

const BLOCK_STORES = [STORES.blocks, STORES.siteBlocks, STORES.hosted, STORES.meta]

/** Key range of every `site-blocks` row of `site`: arrays sort after strings. */
function siteRange(site: string): IDBKeyRange {
  return IDBKeyRange.bound([site], [site, []])
}

/** The `site-blocks` rows of the sites that have blocks but no hosted content, by site. */
async function visitedRows(tx: IDBTransaction): Promise<Map<string, [string, number][]>> {
  const [rows, hosted] = await Promise.all([
    request(tx.objectStore(STORES.siteBlocks).getAll()) as Promise<SiteBlockRow[]>,
    request(tx.objectStore(STORES.hosted).getAllKeys()),
  ])
  return visitedOf(rows, new Set(hosted as string[]))
}

/** The block-writing half of a transaction over BLOCK_STORES. */
class BlockWriter {
  readonly blocks: IDBObjectStore
  readonly refs: IDBObjectStore
  readonly meta: IDBObjectStore
  usage: BlockUsage = { blocks: 0, bytes: 0 }

  constructor(tx: IDBTransaction) {
    this.blocks = tx.objectStore(STORES.blocks)
    this.refs = tx.objectStore(STORES.siteBlocks)
    this.meta = tx.objectStore(STORES.meta)
  }

  async load(): Promise<void> {
    this.usage = ((await request(this.meta.get(USAGE_KEY))) as BlockUsage | undefined) ?? {
      blocks: 0,
      bytes: 0,
    }
  }

  /** Stores the blocks not stored yet, and counts them. */
  async add(blocks: Map<string, Uint8Array>): Promise<void> {
    const entries = [...blocks]
    const present = await Promise.all(entries.map(([cid]) => request(this.blocks.count(cid))))
    entries.forEach(([cid, bytes], i) => {
      if (present[i] > 0) return
      this.blocks.put(bytes, cid)
      this.usage.blocks++
      this.usage.bytes += bytes.length
    })
  }

  /** Deletes the blocks among `cids` that no site uses any more. */
  async collect(cids: Map<string, number>): Promise<DeletedSite> {
    const entries = [...cids]
    const users = await Promise.all(
      entries.map(([cid]) => request(this.refs.index(SITE_BLOCKS_BY_CID).count(cid))),
    )
    const freed = { blocks: 0, bytes: 0 }
    entries.forEach(([cid, size], i) => {
      if (users[i] > 0) return
      this.blocks.delete(cid)
      freed.blocks++
      freed.bytes += size
    })
    this.usage.blocks -= freed.blocks
    this.usage.bytes -= freed.bytes
    return freed
  }

  /** The site's block index rows, by CID string. */
  async siteRows(site: string): Promise<Map<string, number>> {
    const rows = (await request(this.refs.getAll(siteRange(site)))) as SiteBlockRow[]
    return new Map(rows.map((row) => [row.cid, row.size]))
  }

  save(): void {
    this.meta.put(this.usage, USAGE_KEY)
  }
}

/** A promise with its settling functions (settling it again does nothing). */
function deferred<T>(): {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
} {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** The blocks area over `db`. */
export function createBlockStore(db: Database): BlockStore {
  const getBlock = (cid: CID): Promise<Uint8Array | undefined> =>
    db.get<Uint8Array>(STORES.blocks, cid.toString())

  return {
    async hasBlock(cid) {
      return db.transact(
        [STORES.blocks],
        'readonly',
        async (tx) => (await request(tx.objectStore(STORES.blocks).count(cid.toString()))) > 0,
      )
    },

    getBlock,

    async getBlocks(cids) {
      if (cids.length === 0) return []
      return db.transact([STORES.blocks], 'readonly', async (tx) => {
        const blocks = tx.objectStore(STORES.blocks)
        return (await Promise.all(cids.map((cid) => request(blocks.get(cid.toString()))))) as (
          Uint8Array | undefined
        )[]
      })
    },

    readBlocks(cids) {
      if (cids.length === 0) return []
      const each = cids.map(() => deferred<Uint8Array | undefined>())
      db.transact([STORES.blocks], 'readonly', (tx) => {
        const blocks = tx.objectStore(STORES.blocks)
        return Promise.all(
          cids.map((cid, i) =>
            (request(blocks.get(cid.toString())) as Promise<Uint8Array | undefined>).then(
              each[i].resolve,
            ),
          ),
        )
      }).catch((error: unknown) => {
        for (const read of each) read.reject(error)
      })
      return each.map((read) => read.promise)
    },

    async hasBlocks(cids) {
      if (cids.length === 0) return true
      return db.transact([STORES.blocks], 'readonly', async (tx) => {
        const blocks = tx.objectStore(STORES.blocks)
        const counts = await Promise.all(cids.map((cid) => request(blocks.count(cid.toString()))))
        return counts.every((n) => n > 0)
      })
    },

    async putBlocks(site, blocks, options) {
      const key = parseSiteName(site).site
      const checked = await verifiedBlocks(blocks, options)
      if (checked.size === 0) return
      await db.transact(BLOCK_STORES, 'readwrite', async (tx) => {
        const writer = new BlockWriter(tx)
        await writer.load()
        await writer.add(checked)
        for (const [cid, bytes] of checked)
          writer.refs.put({ site: key, cid, size: bytes.length } satisfies SiteBlockRow, [key, cid])
        writer.save()
      })
    },

    async putSite(site, root, blocks = []) {
      const key = parseSiteName(site).site
      const checked = await verifiedBlocks(blocks)
      const { wanted, unknown } = await siteBlocksOf(key, root, checked, getBlock)
      const row = await db.transact(BLOCK_STORES, 'readwrite', async (tx) => {
        const writer = new BlockWriter(tx)
        await writer.load()
        const present = await Promise.all(unknown.map((cid) => request(writer.blocks.count(cid))))
        checkComplete(
          key,
          unknown.filter((_, i) => present[i] === 0),
        )
        await writer.add(blocksToAdd(checked, wanted))
        const plan = planSiteRows(await writer.siteRows(key), wanted)
        for (const cid of plan.dropped.keys()) writer.refs.delete([key, cid])
        for (const [cid, size] of plan.added)
          writer.refs.put({ site: key, cid, size } satisfies SiteBlockRow, [key, cid])
        await writer.collect(plan.dropped)
        const hosted: StoredHosted = {
          site: key,
          root: root.toString(),
          blocks: wanted.size,
          bytes: plan.bytes,
          storedAt: Date.now(),
        }
        tx.objectStore(STORES.hosted).put(hosted, key)
        writer.save()
        return hosted
      })
      return toHosted(row)
    },

    async getHostedSite(site) {
      const row = await db.get<StoredHosted>(STORES.hosted, parseSiteName(site).site)
      return row === undefined ? undefined : toHosted(row)
    },

    async listHostedSites() {
      return (await db.values<StoredHosted>(STORES.hosted)).map(toHosted)
    },

    async siteBlocks(site) {
      const key = parseSiteName(site).site
      const rows = await db.transact([STORES.siteBlocks], 'readonly', (tx) =>
        request(tx.objectStore(STORES.siteBlocks).getAll(siteRange(key))),
      )
      return (rows as SiteBlockRow[]).map((row) => CID.parse(row.cid))
    },

    deleteSite(site) {
      const key = parseSiteName(site).site
      return db.transact(BLOCK_STORES, 'readwrite', async (tx) => {
        const writer = new BlockWriter(tx)
        await writer.load()
        const rows = await writer.siteRows(key)
        writer.refs.delete(siteRange(key))
        tx.objectStore(STORES.hosted).delete(key)
        const freed = await writer.collect(rows)
        writer.save()
        return freed
      })
    },

    async listVisitedSites() {
      return visitedSummary(
        await db.transact([STORES.siteBlocks, STORES.hosted], 'readonly', visitedRows),
      )
    },

    clearVisitedSites(sites) {
      const only =
        sites === undefined ? undefined : new Set([...sites].map((s) => parseSiteName(s).site))
      return db.transact(BLOCK_STORES, 'readwrite', async (tx) => {
        const writer = new BlockWriter(tx)
        await writer.load()
        const cleared: string[] = []
        const dropped = new Map<string, number>()
        for (const [site, rows] of await visitedRows(tx)) {
          if (only !== undefined && !only.has(site)) continue
          cleared.push(site)
          writer.refs.delete(siteRange(site))
          for (const [cid, size] of rows) dropped.set(cid, size)
        }
        const freed = await writer.collect(dropped)
        writer.save()
        return { ...freed, sites: cleared }
      })
    },

    async blockUsage() {
      return (await db.get<BlockUsage>(STORES.meta, USAGE_KEY)) ?? { blocks: 0, bytes: 0 }
    },

    clearBlocks: () =>
      db.transact(BLOCK_STORES, 'readwrite', (tx) => {
        for (const name of BLOCK_STORES) tx.objectStore(name).clear()
      }),
  }
}
