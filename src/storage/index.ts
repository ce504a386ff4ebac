/**
 * The local store of a browser peer, in IndexedDB: its two keys, records received, pinned
 * holder keys, the sites it publishes and the content blocks it hosts. Runs in the page and in
 * the service worker. Keys never leave it unencrypted: the peer key goes to libp2p as a
 * `PrivateKey`, the owner key only signs or is exported in a passphrase-encrypted file.
 *
 * @example
 * ```ts
 * import { openAlternetStorage } from './storage/index.ts'
 *
 * const storage = openAlternetStorage()
 * const privateKey = await storage.identity.getOrCreatePeerKey()      // createLibp2p({ privateKey })
 * const owner = await storage.identity.getOrCreateOwnerKey()
 * console.log(owner.fingerprint)                                       // 'k7qm-2xfa-p4tn-bz6e-wr3d'
 * const file = await storage.identity.exportOwnerKey('correct horse battery staple')
 * await otherDevice.identity.importOwnerKey(file, 'correct horse battery staple')
 * ```
 * @module
 */
export { openAlternetStorage, deleteAlternetStorage } from './open-storage.ts'
export type {
  AlternetStorage,
  OpenAlternetStorageOptions,
  StorageManagerLike,
  StorageUsage,
} from './open-storage.ts'
export type {
  IdentityStore,
  OwnerKey,
  KeyFileInfo,
  KeyFileInput,
  ImportOwnerKeyOptions,
} from './identity.ts'
export type { RecordCache, CachedRecord } from './records-cache.ts'
export type { PinStore, Pin } from './pins.ts'
export type {
  KeepAlive,
  PublishedSites,
  PublishedSite,
  PutPublishedSiteOptions,
} from './published-sites.ts'
export type {
  BlockStore,
  Block,
  BlockUsage,
  ClearedSites,
  DeletedSite,
  HostedSite,
  VisitedSite,
} from './blocks.ts'
export type { EncryptKeyFileOptions, KeyFileHeader } from './key-file.ts'
export {
  KEY_FILE_TYPE,
  KEY_FILE_VERSION,
  KEY_FILE_MEDIA_TYPE,
  KDF_ITERATIONS,
  MIN_KDF_ITERATIONS,
  MAX_KDF_ITERATIONS,
  MIN_PASSPHRASE_LENGTH,
  checkPassphrase,
} from './key-file.ts'
export { fingerprint } from '../core/crypto/fingerprint.ts'
export { DEFAULT_DB_NAME, DB_VERSION } from './constants.ts'
export * from './errors.ts'
