/**
 * The network side of an Alternet peer, for the app (and later a Node gateway): one
 * `AlternetPeer` that publishes sites from files, hosts them over `/an/route/1.0.0`, resolves
 * names and fetches `an://` URLs as verified, streaming `Response`s.
 *
 * @example
 * ```ts
 * import { createAlternetPeer } from './net/index.ts'
 *
 * const peer = await createAlternetPeer({ relays: [location.origin] })
 * peer.addEventListener('progress', (e) => console.log((e as CustomEvent<PublishProgress>).detail))
 * peer.addEventListener('slow-path', () => showSlowBanner())
 * const { root } = await peer.publishSite({ site: 'mysite:code', files: folderInput.files! })
 * const res = await peer.fetch('an://mysite:code/docs/', { headers: { range: 'bytes=0-1023' } })
 * if (!res.ok) console.log(res.status, res.headers.get('x-an-error'))
 * ```
 * @module
 */
export { AlternetPeer, REACHABLE_WAIT_MS, startPeer } from './peer.ts'
export { createAlternetPeer, type AlternetPeerInit } from './create-peer.ts'
export type {
  PeerNaming,
  PeerParts,
  PeerRelays,
  PeerStatus,
  PeerStorage,
  SlowPath,
} from './peer-parts.ts'
export {
  BlockGoneError,
  ERROR_HEADER,
  ERROR_STATUS,
  MethodNotAllowedError,
  NoContentError,
  REASON_HEADER,
  ROOT_HEADER,
  createSiteFetcher,
  errorResponse,
  statusOf,
  type AnRequestInit,
  type ResolvedSite,
  type SiteFetcher,
  type SiteFetcherInit,
} from './fetch/index.ts'
export {
  HashWorkerError,
  InvalidSiteFilesError,
  StopHostingError,
  createSiteHost,
  hostEntry,
  publishSite,
  type ContentStore,
  type PathFile,
  type PublishFile,
  type PublishPhase,
  type PublishProgress,
  type PublishSiteInit,
  type PublishedSiteResult,
  type SiteHost,
  type StopHostingOptions,
  type StopHostingProgress,
  type StopHostingResult,
} from './hosting/index.ts'
export {
  HostUnreachableError,
  RequestTimeoutError,
  RouteProtocolError,
  RouteStatusError,
} from './route/index.ts'
export {
  CnameLoopError,
  NameContestedError,
  NameHeldError,
  NameNotFoundError,
  OwnerKeyChangedError,
  PublishRefusedError,
} from './naming/errors.ts'
export type { BrowserPeer, BrowserPeerParts, ClearedVisits } from './browser-peer.ts'
export type { CurrentContent } from './hosting/current-content.ts'
export { EDITOR_GENERATOR, EDITOR_SOURCE_FILE } from './hosting/current-content.ts'
export { escapeHtml } from '../core/http/index.ts'
export type { FoundSites } from './hosting/own-sites.ts'
export type { Availability } from './naming/name-availability.ts'
export type { NamingService, ResolvedName, ResolveOptions } from './naming/index.ts'
export type {
  AlternetLibp2p,
  DevSettings,
  RelayInfo,
  RelayStatus,
  RevokerTrust,
} from './node/index.ts'
// What the app shows of the store (the peer's methods hand these out).
export {
  KEY_FILE_MEDIA_TYPE,
  deleteAlternetStorage,
  fingerprint,
  type KeepAlive,
  type KeyFileInfo,
  type OwnerKey,
  type PublishedSite,
  type StorageUsage,
} from '../storage/index.ts'
// Where a site can be served from, and how long it stays up without this device.
export {
  DEFAULT_KEEP_ALIVE_HORIZON_MS,
  KEEP_ALIVE_HORIZONS_MS,
  type SiteSource,
  type SiteSources,
} from './mirror/index.ts'
export type { LiveRecord, LiveRevocation, LiveUpdates } from './live/index.ts'
