/**
 * The rules of the block store, written once for its two backends (IndexedDB in the page,
 * files and LevelDB in a Node peer): blocks are verified before they are kept, a hosted site
 * uses its manifest and every chunk it lists, and a site's index rows change by a plan that
 * says which blocks it stops using (deleted when no other site uses them).
 * @module
 */
import { CID } from 'multiformats/cid'
import { chunkLength, decodeManifest, verifyBlock } from '../core/content/index.ts'
import type { Block, HostedSite, PutBlocksOptions } from './block-types.ts'
import { IncompleteSiteError } from './errors.ts'

/** Key of the block usage counters in the `meta` area. */
export const USAGE_KEY = 'blockUsage'

/** A row of the `hosted` area. */
export interface StoredHosted {
  site: string
  root: string
  blocks: number
  bytes: number
  storedAt: number
}

/** A stored hosted site as the store answers it. */
export function toHosted(row: StoredHosted): HostedSite {
  return {
    site: row.site,
    root: CID.parse(row.root),
    blocks: row.blocks,
    bytes: row.bytes,
    storedAt: row.storedAt,
  }
}

/**
 * Verifies all `blocks` (throws `BlockVerificationError`), unless the caller says it already
 * did; one map by CID string.
 */
export async function verifiedBlocks(
  blocks: Iterable<Block>,
  options: PutBlocksOptions = {},
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  for (const { cid, bytes } of blocks) {
    if (options.verified !== true) await verifyBlock(cid, bytes)
    out.set(cid.toString(), bytes)
  }
  return out
}

/** The blocks a hosted site uses, with their sizes, and those of them not given. */
export interface SiteBlocks {
  /** CID string → size: the manifest and every chunk it lists. */
  wanted: Map<string, number>
  /** The chunks not among the given blocks: they must be stored already. */
  unknown: string[]
}

/**
 * The blocks `site` uses when it hosts the manifest `root`: its bytes are among `given` or were
 * `stored`. Throws `IncompleteSiteError` when the manifest is neither, and the manifest's errors.
 */
export async function siteBlocksOf(
  site: string,
  root: CID,
  given: Map<string, Uint8Array>,
  stored: (cid: CID) => Promise<Uint8Array | undefined>,
): Promise<SiteBlocks> {
  const rootKey = root.toString()
  const manifestBytes = given.get(rootKey) ?? (await stored(root))
  if (manifestBytes === undefined)
    throw new IncompleteSiteError([rootKey], `The manifest ${rootKey} of ${site} is not stored.`)
  const manifest = await decodeManifest(manifestBytes, root)
  const wanted = new Map<string, number>([[rootKey, manifestBytes.length]])
  const unknown: string[] = []
  for (const entry of Object.values(manifest.files)) {
    entry.chunks.forEach((cid, index) => {
      const cidKey = cid.toString()
      const bytes = given.get(cidKey)
      if (bytes !== undefined) wanted.set(cidKey, bytes.length)
      else if (!wanted.has(cidKey)) {
        wanted.set(cidKey, chunkLength(entry.size, index))
        unknown.push(cidKey)
      }
    })
  }
  return { wanted, unknown }
}

/** Throws `IncompleteSiteError` when some of `site`'s blocks are neither given nor stored. */
export function checkComplete(site: string, missing: readonly string[]): void {
  if (missing.length === 0) return
  throw new IncompleteSiteError(
    missing.slice(0, 5),
    `${missing.length} block(s) of ${site} are neither given nor stored, e.g. ${missing[0]}.`,
  )
}

/** How a site's index rows change to its new content. */
export interface RowPlan {
  /** CID → size of the blocks the site stops using. */
  dropped: Map<string, number>
  /** CID → size of the blocks the site starts using. */
  added: Map<string, number>
  /** Bytes of every block the site uses. */
  bytes: number
}

/** The change from the blocks a site used (`previous`) to those it uses (`wanted`). */
export function planSiteRows(
  previous: ReadonlyMap<string, number>,
  wanted: ReadonlyMap<string, number>,
): RowPlan {
  const dropped = new Map<string, number>()
  for (const [cid, size] of previous) if (!wanted.has(cid)) dropped.set(cid, size)
  const added = new Map<string, number>()
  let bytes = 0
  for (const [cid, size] of wanted) {
    bytes += size
    if (!previous.has(cid)) added.set(cid, size)
  }
  return { dropped, added, bytes }
}

/** The given blocks `wanted` uses: those to write. */
export function blocksToAdd(
  given: ReadonlyMap<string, Uint8Array>,
  wanted: ReadonlyMap<string, number>,
): Map<string, Uint8Array> {
  return new Map([...given].filter(([cid]) => wanted.has(cid)))
}

/** The visited sites and their block rows (`[cid, size]`), given every site's rows and the hosted sites. */
export function visitedOf(
  rows: Iterable<{ site: string; cid: string; size: number }>,
  hosted: ReadonlySet<string>,
): Map<string, [string, number][]> {
  const out = new Map<string, [string, number][]>()
  for (const row of rows) {
    if (hosted.has(row.site)) continue
    let list = out.get(row.site)
    if (list === undefined) out.set(row.site, (list = []))
    list.push([row.cid, row.size])
  }
  return out
}

/** Each visited site with its blocks and their bytes. */
export function visitedSummary(
  visited: Map<string, [string, number][]>,
): { site: string; blocks: number; bytes: number }[] {
  return [...visited].map(([site, rows]) => ({
    site,
    blocks: rows.length,
    bytes: rows.reduce((sum, [, size]) => sum + size, 0),
  }))
}
