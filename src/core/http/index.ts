/**
 * Alternet's HTTP vocabulary, runtime-neutral: the `x-an-*` header names, entity tags, the
 * manifest cache and pure reply functions (file, range, 304, 416, 301, 404, typed error).
 * The app's fetch, the host's route answers and the relay's gateway answer with these, so the
 * rules are written once. See docs/PROTOCOL.md, "Status codes".
 *
 * @example
 * ```ts
 * import { fileReply, matchPath } from '@alternet/core/http'
 *
 * const match = matchPath(manifest, '/docs/')
 * if ('file' in match) {
 *   const head = await fileReply(match.file, { method: 'GET', range: 'bytes=0-99' }, { status: match.status, root })
 *   // head.status === 206; send head.bytes's bytes, verified, with readVerified
 * }
 * ```
 * @module
 */
export * from './headers.ts'
export { etagOf, ifNoneMatchMatches } from './etag.ts'
export { DEFAULT_MANIFEST_CACHE_SIZE, ManifestCache } from './manifest-cache.ts'
export { NOT_FOUND_PAGE_TYPE, notFoundPage } from './not-found-page.ts'
export { escapeHtml } from './html-text.ts'
export {
  FAULT_STATUS,
  errorReply,
  fileReply,
  matchPath,
  notFoundReply,
  redirectReply,
  statusReply,
  type ErrorReply,
  type FileReplyInit,
  type FileRequest,
  type PathMatch,
  type ReplyHead,
} from './replies.ts'
