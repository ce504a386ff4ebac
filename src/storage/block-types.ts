/**
 * The shapes of the blocks area (`blocks.ts` stores them, `block-rules.ts` checks and plans
 * them): a block, a hosted or visited site, what a deletion freed, and the store's interface.
 * @module
 */
import type { CID } from 'multiformats/cid'

/** A block: bytes and the CID they hash to. */
export interface Block {
  cid: CID
  bytes: Uint8Array
}

/** A site whose content this device keeps. */
export interface HostedSite {
  /** Canonical site name. */
  site: string
  /** The manifest CID of the content kept. */
  root: CID
  /** Blocks the site uses (manifest included). */
  blocks: number
  /** Bytes of those blocks. */
  bytes: number
  /** When the content was stored, ms since the epoch. */
  storedAt: number
}

/** Blocks and bytes held, each block counted once however many sites use it. */
export interface BlockUsage {
  blocks: number
  bytes: number
}

/** What deleting a site freed. */
export interface DeletedSite {
  /** Blocks deleted (those no other site uses). */
  blocks: number
  /** Their bytes. */
  bytes: number
}

/** A site whose blocks this device keeps because it was visited, not hosted. */
export interface VisitedSite {
  /** Canonical site name. */
  site: string
  /** Blocks kept for it (some may be shared with other sites). */
  blocks: number
  /** Bytes of those blocks. */
  bytes: number
}

/** What clearing the visited sites freed. */
export interface ClearedSites extends DeletedSite {
  /** The visited sites whose blocks were let go, by canonical name. */
  sites: string[]
}

/** Options of `BlockStore.putBlocks`. */
export interface PutBlocksOptions {
  /**
   * The caller has checked every block against its CID already (it computed the CIDs from the
   * bytes, or `verifyBlock`/`verifyChunk` passed): they are stored without hashing them again.
   * Only for such blocks.
   * @default false
   */
  verified?: boolean
}

/** The blocks area. */
export interface BlockStore {
  /** Whether the block is stored. */
  hasBlock(cid: CID): Promise<boolean>
  /** The block's bytes, or undefined. They were verified when stored. */
  getBlock(cid: CID): Promise<Uint8Array | undefined>
  /** Each block's bytes (or undefined), in order, read in one transaction. */
  getBlocks(cids: readonly CID[]): Promise<(Uint8Array | undefined)[]>
  /**
   * Like `getBlocks`, one transaction, but each block's promise settles as soon as its own read
   * is done: a reader can pass the first block on while the others are still being read.
   */
  readBlocks(cids: readonly CID[]): Promise<Uint8Array | undefined>[]
  /** Whether every one of the blocks is stored, asked in one transaction. */
  hasBlocks(cids: readonly CID[]): Promise<boolean>
  /**
   * Verifies every block (unless `options.verified`), then stores them all as used by `site`,
   * in one transaction: on any error (`BlockVerificationError`, `StorageFullError`) none is
   * stored.
   */
  putBlocks(site: string, blocks: Iterable<Block>, options?: PutBlocksOptions): Promise<void>
  /**
   * Stores the manifest `root` and the blocks it lists as the content `site` hosts, replacing
   * what it hosted before, in one transaction. `blocks` may leave out blocks already stored
   * (from `putBlocks` or another site). Blocks only the old content used are deleted. Throws
   * `BlockVerificationError`, `MalformedManifestError`, `IncompleteSiteError`, `StorageFullError`;
   * on any error nothing changes.
   */
  putSite(site: string, root: CID, blocks?: Iterable<Block>): Promise<HostedSite>
  /** The content `site` hosts, or undefined. */
  getHostedSite(site: string): Promise<HostedSite | undefined>
  /** Every hosted site. */
  listHostedSites(): Promise<HostedSite[]>
  /** CIDs of the blocks `site` uses. */
  siteBlocks(site: string): Promise<CID[]>
  /** Stops keeping `site`'s content: deletes its blocks that no other site uses. */
  deleteSite(site: string): Promise<DeletedSite>
  /** Every site whose blocks are kept as visited: it has blocks but is not hosted. */
  listVisitedSites(): Promise<VisitedSite[]>
  /**
   * Stops keeping the blocks of every visited site (all of them, or those among `sites`), in one
   * transaction; blocks a hosted site (or a kept visited site) uses stay. Resolves to what was
   * freed, counted like `deleteSite`.
   */
  clearVisitedSites(sites?: Iterable<string>): Promise<ClearedSites>
  /** Blocks and bytes held. */
  blockUsage(): Promise<BlockUsage>
  /** Deletes every block and hosted site. */
  clearBlocks(): Promise<void>
}
