/**
 * The block store of a Node peer: each verified block a plain file `blocks/<cid>` in the data
 * directory (written to a temporary name, then renamed: a crash never leaves a partial block),
 * and in the LevelDB which site uses which block, the hosted sites and the usage counters. The
 * same contract as the page's IndexedDB `BlockStore` (`src/storage/blocks.ts`): blocks are
 * verified before they are kept, a site's rows change in one atomic batch, and a block is deleted
 * only when no site uses it any more.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { parseSiteName } from '../../core/names/index.ts'
import * as rules from '../../storage/block-rules.ts'
import type { BlockStore, BlockUsage, DeletedSite } from '../../storage/blocks.ts'
import { STORES } from '../../storage/constants.ts'
import type { LevelDatabase, LevelOp } from './level-database.ts'

/** Separates the parts of an index key (never in a site name or a CID). */
const SEP = '\u0000'
/** The `block-users` area: `<cid>\0<site>` → size, the reverse of `site-blocks`. */
const BLOCK_USERS = 'block-users'

/** The block store over `db`, with block files under `dir`. */
export async function createFileBlockStore(db: LevelDatabase, dir: string): Promise<BlockStore> {
  await mkdir(dir, { recursive: true })
  const path = (cid: string): string => join(dir, cid)
  const has = (cid: string): Promise<boolean> =>
    stat(path(cid)).then(
      () => true,
      () => false,
    )
  const usage = async (): Promise<BlockUsage> =>
    (await db.get<BlockUsage>(STORES.meta, rules.USAGE_KEY)) ?? { blocks: 0, bytes: 0 }
  const siteRows = async (site: string): Promise<Map<string, number>> =>
    new Map(
      (await db.entries<number>(STORES.siteBlocks, site + SEP)).map(([key, size]) => [
        key.slice(site.length + 1),
        size,
      ]),
    )
  const users = async (cid: string): Promise<number> =>
    (await db.entries(BLOCK_USERS, cid + SEP)).length

  /** Writes the blocks not on disk yet; returns how many blocks and bytes were new. */
  const writeBlocks = async (blocks: Map<string, Uint8Array>): Promise<BlockUsage> => {
    const added = { blocks: 0, bytes: 0 }
    for (const [cid, bytes] of blocks) {
      if (await has(cid)) continue
      const temp = path(`.${cid}.${randomUUID()}.tmp`)
      await writeFile(temp, bytes)
      await rename(temp, path(cid))
      added.blocks++
      added.bytes += bytes.length
    }
    return added
  }

  const ref = (site: string, cid: string, size: number): LevelOp[] => [
    { type: 'put', area: STORES.siteBlocks, key: site + SEP + cid, value: size },
    { type: 'put', area: BLOCK_USERS, key: cid + SEP + site, value: size },
  ]
  const unref = (site: string, cid: string): LevelOp[] => [
    { type: 'del', area: STORES.siteBlocks, key: site + SEP + cid },
    { type: 'del', area: BLOCK_USERS, key: cid + SEP + site },
  ]

  /** Commits `ops`, then deletes the blocks among `dropped` no site uses any more. */
  const commit = async (
    ops: LevelOp[],
    added: BlockUsage,
    dropped: Map<string, number>,
  ): Promise<DeletedSite> => {
    const before = await usage()
    const counts = { blocks: before.blocks + added.blocks, bytes: before.bytes + added.bytes }
    await db.batch([
      ...ops,
      { type: 'put', area: STORES.meta, key: rules.USAGE_KEY, value: counts },
    ])
    const freed = { blocks: 0, bytes: 0 }
    for (const [cid, size] of dropped) {
      if ((await users(cid)) > 0 || !(await has(cid))) continue
      await rm(path(cid), { force: true })
      freed.blocks++
      freed.bytes += size
    }
    if (freed.blocks > 0) {
      const now = { blocks: counts.blocks - freed.blocks, bytes: counts.bytes - freed.bytes }
      await db.batch([{ type: 'put', area: STORES.meta, key: rules.USAGE_KEY, value: now }])
    }
    return freed
  }

  const visited = async (): Promise<Map<string, [string, number][]>> => {
    const hosted = new Set((await db.entries(STORES.hosted)).map(([key]) => key))
    const rows = (await db.entries<number>(STORES.siteBlocks)).map(([key, size]) => {
      const [site, cid] = key.split(SEP)
      return { site, cid, size }
    })
    return rules.visitedOf(rows, hosted)
  }

  const store: BlockStore = {
    hasBlock: (cid) => has(cid.toString()),
    async getBlock(cid) {
      try {
        return new Uint8Array(await readFile(path(cid.toString())))
      } catch {
        return undefined
      }
    },
    getBlocks: (cids) => Promise.all(cids.map((cid) => store.getBlock(cid))),
    readBlocks: (cids) => cids.map((cid) => store.getBlock(cid)),
    async hasBlocks(cids) {
      for (const cid of cids) if (!(await has(cid.toString()))) return false
      return true
    },
    async putBlocks(site, blocks, options) {
      const key = parseSiteName(site).site
      const checked = await rules.verifiedBlocks(blocks, options)
      if (checked.size === 0) return
      await db.exclusive(async () => {
        const added = await writeBlocks(checked)
        const ops = [...checked].flatMap(([cid, bytes]) => ref(key, cid, bytes.length))
        await commit(ops, added, new Map())
      })
    },
    async putSite(site, root, blocks = []) {
      const key = parseSiteName(site).site
      const checked = await rules.verifiedBlocks(blocks)
      const { wanted, unknown } = await rules.siteBlocksOf(key, root, checked, store.getBlock)
      const row = await db.exclusive(async () => {
        const missing: string[] = []
        for (const cid of unknown) if (!(await has(cid))) missing.push(cid)
        rules.checkComplete(key, missing)
        const added = await writeBlocks(rules.blocksToAdd(checked, wanted))
        const plan = rules.planSiteRows(await siteRows(key), wanted)
        const ops: LevelOp[] = [
          ...[...plan.dropped.keys()].flatMap((cid) => unref(key, cid)),
          ...[...plan.added].flatMap(([cid, size]) => ref(key, cid, size)),
        ]
        const hosted: rules.StoredHosted = {
          site: key,
          root: root.toString(),
          blocks: wanted.size,
          bytes: plan.bytes,
          storedAt: Date.now(),
        }
        ops.push({ type: 'put', area: STORES.hosted, key, value: hosted })
        await commit(ops, added, plan.dropped)
        return hosted
      })
      return rules.toHosted(row)
    },
    async getHostedSite(site) {
      const row = await db.get<rules.StoredHosted>(STORES.hosted, parseSiteName(site).site)
      return row === undefined ? undefined : rules.toHosted(row)
    },
    listHostedSites: async () =>
      (await db.entries<rules.StoredHosted>(STORES.hosted)).map(([, row]) => rules.toHosted(row)),
    siteBlocks: async (site) =>
      [...(await siteRows(parseSiteName(site).site)).keys()].map((cid) => CID.parse(cid)),
    deleteSite(site) {
      const key = parseSiteName(site).site
      return db.exclusive(async () => {
        const rows = await siteRows(key)
        const ops = [...rows.keys()].flatMap((cid) => unref(key, cid))
        ops.push({ type: 'del', area: STORES.hosted, key })
        return commit(ops, { blocks: 0, bytes: 0 }, rows)
      })
    },
    listVisitedSites: async () => rules.visitedSummary(await visited()),
    clearVisitedSites(sites) {
      const only =
        sites === undefined ? undefined : new Set([...sites].map((s) => parseSiteName(s).site))
      return db.exclusive(async () => {
        const cleared: string[] = []
        const ops: LevelOp[] = []
        const dropped = new Map<string, number>()
        for (const [site, rows] of await visited()) {
          if (only !== undefined && !only.has(site)) continue
          cleared.push(site)
          for (const [cid, size] of rows) {
            ops.push(...unref(site, cid))
            dropped.set(cid, size)
          }
        }
        const freed = await commit(ops, { blocks: 0, bytes: 0 }, dropped)
        return { ...freed, sites: cleared }
      })
    },
    blockUsage: usage,
    clearBlocks: () =>
      db.exclusive(async () => {
        const ops: LevelOp[] = []
        for (const area of [STORES.siteBlocks, BLOCK_USERS, STORES.hosted, STORES.meta])
          for (const [key] of await db.entries(area)) ops.push({ type: 'del', area, key })
        await db.batch(ops)
        await rm(dir, { recursive: true, force: true })
        await mkdir(dir, { recursive: true })
      }),
  }
  return store
}
