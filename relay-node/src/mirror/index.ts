/**
 * Site mirroring on relays: a relay keeps verified copies of sites and serves them over
 * `/an/route/1.0.0`, so a site stays up when its publisher's tab is closed.
 *
 * @example
 * ```ts
 * const mirror = new Mirror({ dataDir, policy: 'open', maxBytes, ownerQuota, replicas: 3,
 *   scanInterval: 60_000, node, store, recordPolicy, permissions, log, registry })
 * await mirror.start()
 * mirror.status('mysite:code') // { state: 'complete', root: 'bafy…', … }
 * ```
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export { Mirror, type MirrorInit, type MirrorPolicy } from './mirror-service.ts'
export { askMirror, type MirrorStatus } from '@alternet/net/mirror'
export { RecordWatch } from './record-watch.ts'
export { closestPeers, isPlacedOn } from './placement.ts'
export { evictionOrder, roomFor, type EvictionCandidate } from './eviction.ts'
