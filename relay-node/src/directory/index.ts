/**
 * The public site directory a relay keeps of the sites whose owners opted in, served as
 * `GET /directory`. See docs/PROTOCOL.md, "The site directory".
 * @module
 */
export * from './constants.ts'
export {
  SiteDirectory,
  type DirectoryListing,
  type DirectoryRefusal,
  type SiteDirectoryInit,
} from './site-directory.ts'
