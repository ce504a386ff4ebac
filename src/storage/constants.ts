/**
 * Names, versions and limits of the browser's local store. Changing a store layout means
 * raising `DB_VERSION` and migrating in `database.ts`.
 * @module
 */

/** Name of the IndexedDB database when `openAlternetStorage` is given none. */
export const DEFAULT_DB_NAME = 'alternet'

/** Schema version of the database; raised with every change of stores or indexes. */
export const DB_VERSION = 1

/** Object stores of the database (all use out-of-line keys). */
export const STORES = {
  /** `'peer'` and `'owner'` → the two Ed25519 keys. */
  identity: 'identity',
  /** canonical site name → a received record and when it arrived. Index `root`. */
  records: 'records',
  /** canonical root site name → the holder key first seen for it. */
  pins: 'pins',
  /** canonical site name → a site this owner publishes. */
  sites: 'sites',
  /** CID string → verified block bytes. */
  blocks: 'blocks',
  /** [site, CID string] → membership of a block in a hosted site. Index `cid`. */
  siteBlocks: 'site-blocks',
  /** canonical site name → a hosted site's content root. */
  hosted: 'hosted',
  /** counters kept in step with the other stores (`'blockBytes'`, `'blockCount'`). */
  meta: 'meta',
} as const

/** Name of an object store. */
export type StoreName = (typeof STORES)[keyof typeof STORES]

/** Index of `records` by root site name, so a pin change drops the root's cached subdomains too. */
export const RECORDS_BY_ROOT = 'root'

/** Index of `site-blocks` by CID, so a block is deleted only when no site still uses it. */
export const SITE_BLOCKS_BY_CID = 'cid'
