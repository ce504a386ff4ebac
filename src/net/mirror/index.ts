/**
 * Site mirrors as visitors and publishers use them: relays that keep verified copies of sites
 * and serve them over `/an/route/1.0.0`, and `/an/mirror/1.0.0` to ask what a mirror holds.
 *
 * @example
 * ```ts
 * import { findMirrors, askMirror } from './net/mirror/index.ts'
 *
 * const mirrors = await findMirrors(libp2p, 'mysite:code', record.body.content)
 * const status = await askMirror(libp2p, relayPeerId, 'mysite:code') // { state: 'complete', … }
 * ```
 * @module
 */
export * from './constants.ts'
export { answerStatus, askMirror, type MirrorQuestion, type MirrorStatus } from './mirror-status.ts'
export {
  askConnectedMirrors,
  findMirrors,
  type FindMirrorsOptions,
  type MirrorConnection,
  type MirrorFinderHost,
  type NearAnswer,
} from './find-mirrors.ts'
export { NearMirrors, type NearMirrorsOptions } from './near-mirrors.ts'
export {
  waitForMirrors,
  type MirrorCopies,
  type WaitForMirrorsOptions,
} from './wait-for-mirrors.ts'
export { presignCount, presignRecords, type PresignOptions } from './presign-records.ts'
export { handRecords, type HandRecordsResult, type HandedRecords } from './hand-records.ts'
export { mirrorName, type KnownRelay } from './mirror-names.ts'
export { keepSiteAlive, type KeepSiteAliveContext } from './keep-site-alive.ts'
export {
  manifestBlocks,
  type ManifestBlock,
  type UploadAnswer,
  type UploadOffer,
  type UploadRefusal,
} from './upload-protocol.ts'
export {
  uploadSite,
  UploadBlockMissingError,
  UploadProtocolError,
  type UploadProgress,
  type UploadResult,
  type UploadSiteInit,
} from './upload-site.ts'
export { pushToRelays, type PushToRelaysOptions, type RelayUpload } from './push-to-relays.ts'
export {
  HOST_PROBE_TIMEOUT_MS,
  siteSources,
  type SiteSource,
  type SiteSources,
  type SiteSourcesContext,
} from './site-sources.ts'
