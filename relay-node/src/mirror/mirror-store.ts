/**
 * The mirrored sites of one relay, on disk (`BlockFiles`, `SiteIndex`) and accounted in memory:
 * which sites are complete, which blocks each uses, the bytes on disk (each block counted
 * once, however many sites share it). Replacing a site's version or dropping a site deletes
 * the blocks no other complete or pending site uses.
 * @module
 */
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { decodeManifest } from '@alternet/core/content'
import { BlockFiles } from './block-files.ts'
import { MIRROR_DIR } from './constants.ts'
import { blocksOf } from './pull-site.ts'
import { SiteIndex, type MirroredSite } from './site-index.ts'

/** The mirror's disk store with its accounting. */
export class MirrorStore {
  readonly blocks: BlockFiles
  readonly index: SiteIndex
  /** Complete sites by canonical name. */
  private readonly complete = new Map<string, MirroredSite>()
  /** Sites using each block, by CID (complete sites only). */
  private readonly refs = new Map<string, Set<string>>()
  /** Size of each referenced block. */
  private readonly sizes = new Map<string, number>()
  /** Roots of the sites being fetched: their blocks are not collected. */
  private readonly pendingRoots = new Map<string, string>()
  /**
   * Blocks each fetch under way wrote: deleted when it fails (a failed fetch on a full disk
   * would otherwise keep the disk full), kept while another fetch wrote them too.
   */
  private readonly pendingBlocks = new Map<string, Set<string>>()
  private bytes = 0
  private readonly onHeld: ((site: string, held: boolean) => void) | undefined

  /** `onHeld` is told of each commit (`true`) and drop (`false`), not of the sites `open` reads. */
  constructor(dataDir: string, onHeld?: (site: string, held: boolean) => void) {
    this.onHeld = onHeld
    const dir = join(dataDir, MIRROR_DIR)
    this.blocks = new BlockFiles(join(dir, 'blocks'))
    this.index = new SiteIndex(dir)
  }

  /** Opens the store, reads the complete sites and deletes blocks nothing uses any more. */
  async open(): Promise<void> {
    await this.blocks.open()
    await this.index.open()
    for (const entry of await this.index.sites()) await this.add(entry)
    const keep = new Set(this.refs.keys())
    for (const { site, root } of await this.index.pending()) {
      this.pendingRoots.set(site, root)
      keep.add(root)
      const bytes = await this.blocks.get(root)
      if (bytes === undefined) continue
      try {
        for (const { cid } of blocksOf(await decodeManifest(bytes, CID.parse(root))))
          keep.add(cid.toString())
      } catch {
        // Not a manifest: its blocks go.
      }
    }
    for (const cid of await this.blocks.list()) if (!keep.has(cid)) await this.blocks.delete(cid)
  }

  /** A complete site, or undefined. */
  get(site: string): MirroredSite | undefined {
    return this.complete.get(site)
  }

  /** Every complete site. */
  sites(): MirroredSite[] {
    return [...this.complete.values()]
  }

  /** The complete sites using a block. */
  sitesOf(cid: string): ReadonlySet<string> | undefined {
    return this.refs.get(cid)
  }

  /** Bytes of blocks on disk for complete sites. */
  usedBytes(): number {
    return this.bytes
  }

  /** Bytes of complete sites held for `owner` (hex), leaving out `except`. */
  ownerBytes(owner: string, except?: string): number {
    let n = 0
    for (const s of this.complete.values()) if (s.owner === owner && s.site !== except) n += s.bytes
    return n
  }

  /** Marks a fetch as under way (on disk, so a restart keeps its blocks and resumes it). */
  async startPending(site: string, root: string): Promise<void> {
    this.pendingRoots.set(site, root)
    await this.index.putPending({ site, root })
  }

  /** A fetch of `site` wrote block `cid`. */
  notePending(site: string, cid: string): void {
    let written = this.pendingBlocks.get(site)
    if (written === undefined) {
      written = new Set()
      this.pendingBlocks.set(site, written)
    }
    written.add(cid)
  }

  /**
   * Ends a fetch that did not complete; its blocks (`blocks` and those it wrote) nothing else
   * uses are deleted.
   */
  async abandonPending(site: string, blocks: readonly string[] = []): Promise<void> {
    const root = this.pendingRoots.get(site)
    const written = this.pendingBlocks.get(site) ?? []
    this.pendingRoots.delete(site)
    this.pendingBlocks.delete(site)
    await this.index.clearPending(site)
    const cids = new Set([...(root === undefined ? [] : [root]), ...blocks, ...written])
    for (const cid of cids) await this.collect(cid)
  }

  /**
   * Records `entry` as complete (durably, then in memory), replacing the site's previous
   * version, whose blocks nothing else uses are deleted. Returns the bytes freed.
   */
  async commit(entry: MirroredSite, sizes: ReadonlyMap<string, number>): Promise<number> {
    for (const [cid, size] of sizes) if (!this.sizes.has(cid)) this.sizes.set(cid, size)
    await this.index.putSite(entry)
    this.pendingRoots.delete(entry.site)
    this.pendingBlocks.delete(entry.site)
    const previous = this.complete.get(entry.site)
    if (previous !== undefined) this.unref(previous)
    await this.add(entry)
    this.onHeld?.(entry.site, true)
    return previous === undefined ? 0 : this.collectAll(previous.blocks)
  }

  /** Rewrites a complete site's entry (a newer record of the same root, a visit time). */
  async update(entry: MirroredSite): Promise<void> {
    if (!this.complete.has(entry.site)) return
    this.complete.set(entry.site, entry)
    await this.index.putSite(entry)
  }

  /** Drops a complete site; returns the bytes freed. */
  async drop(site: string): Promise<number> {
    const entry = this.complete.get(site)
    if (entry === undefined) return 0
    await this.index.deleteSite(site)
    this.complete.delete(site)
    this.unref(entry)
    this.onHeld?.(site, false)
    return this.collectAll(entry.blocks)
  }

  private async add(entry: MirroredSite): Promise<void> {
    this.complete.set(entry.site, entry)
    for (const cid of entry.blocks) {
      let users = this.refs.get(cid)
      if (users === undefined) {
        users = new Set()
        this.refs.set(cid, users)
        let size = this.sizes.get(cid)
        if (size === undefined) {
          size = (await this.blocks.size(cid)) ?? 0
          this.sizes.set(cid, size)
        }
        this.bytes += size
      }
      users.add(entry.site)
    }
  }

  private unref(entry: MirroredSite): void {
    for (const cid of entry.blocks) {
      const users = this.refs.get(cid)
      if (users === undefined) continue
      users.delete(entry.site)
      if (users.size === 0) {
        this.refs.delete(cid)
        this.bytes -= this.sizes.get(cid) ?? 0
      }
    }
  }

  private async collectAll(cids: readonly string[]): Promise<number> {
    let freed = 0
    for (const cid of cids) freed += await this.collect(cid)
    return freed
  }

  /** Deletes a block no complete site uses and no pending fetch may need; returns its size. */
  private async collect(cid: string): Promise<number> {
    if (this.refs.has(cid)) return 0
    for (const root of this.pendingRoots.values()) if (root === cid) return 0
    for (const written of this.pendingBlocks.values()) if (written.has(cid)) return 0
    const size = this.sizes.get(cid) ?? 0
    this.sizes.delete(cid)
    await this.blocks.delete(cid)
    return size
  }
}
