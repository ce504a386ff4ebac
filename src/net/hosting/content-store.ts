/**
 * The part of the block store that publishing, hosting and fetching use: the IndexedDB store
 * of `src/storage` in the page, any store with the same contract elsewhere (a Node gateway).
 * @module
 */
import type { BlockStore } from '../../storage/index.ts'

/** Blocks by CID and the sites whose blocks are kept (see `BlockStore` for each call's contract). */
export type ContentStore = Pick<
  BlockStore,
  | 'getBlock'
  | 'getBlocks'
  | 'readBlocks'
  | 'hasBlocks'
  | 'hasBlock'
  | 'putBlocks'
  | 'putSite'
  | 'getHostedSite'
  | 'listHostedSites'
  | 'siteBlocks'
  | 'deleteSite'
>
