/**
 * Limits of the public site directory a relay keeps. See docs/PROTOCOL.md, "The site directory".
 * @module
 */

/** The signed record's `meta` key by which an owner lists a site in the directory. */
export { DIRECTORY_META_KEY, DIRECTORY_META_LISTED } from '@alternet/core/contracts'

/** Sites a relay lists at most; a new name is refused when the directory holds this many. */
export const DIRECTORY_MAX_ENTRIES = 1000

/** Sites listed at most from one source (the address block whose DHT puts brought them). */
export const DIRECTORY_MAX_PER_SOURCE = 50

/** Sites listed at most per owner key. */
export const DIRECTORY_MAX_PER_OWNER = 20

/** Longest `meta.title` kept for a listing, in characters (longer is cut). */
export const DIRECTORY_MAX_TITLE_CHARS = 80

/** Sites one `GET /directory` answer carries at most, newest first. */
export const DIRECTORY_PAGE_SIZE = 200
