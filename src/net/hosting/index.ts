/**
 * Publishing a site from files (hashed in a worker) and hosting it over `/an/route/1.0.0`
 * from the local store. Runs in the page and in Node (hashing inline there).
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export type { ContentStore } from './content-store.ts'
export {
  prepareFiles,
  totalSize,
  type PathFile,
  type PreparedFile,
  type PublishFile,
} from './site-files.ts'
export {
  hashSiteFiles,
  type HashProgress,
  type HashSiteFilesOptions,
  type HashedBlock,
} from './hash-files.ts'
export { hashSite, type HashSiteOptions, type HashedSite } from './hash-site.ts'
export { hostEntry, selfHostEntry, type HostEntryOrder } from './host-record.ts'
export { createSiteHost, type SiteHost, type SiteHostInit } from './site-host.ts'
export {
  publishSite,
  type ExtraRecordFields,
  type PublishContext,
  type PublishPhase,
  type PublishProgress,
  type PublishSiteInit,
  type PublishedSiteResult,
} from './publish-site.ts'
export {
  stopHosting,
  type StopHostingContext,
  type StopHostingOptions,
  type StopHostingPhase,
  type StopHostingProgress,
  type StopHostingResult,
} from './stop-hosting.ts'
