/**
 * The kept store of a Node peer in a data directory (LevelDB and plain files), behind the
 * page's `AlternetStorage` interface.
 * @module
 */
export {
  openNodeStorage,
  type NodeStorage,
  type OpenNodeStorageOptions,
} from './open-node-storage.ts'
export {
  DATA_DIR_MODE,
  KEY_FILE_MODE,
  OWNER_KEY_FILE,
  PEER_KEY_FILE,
  PLAIN_OWNER_KEY_TYPE,
} from './file-identity.ts'
