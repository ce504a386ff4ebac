/**
 * Protocol constants for content addressing. See docs/PROTOCOL.md.
 * @module
 */

/** Size of every chunk but a file's last, in bytes (256 KiB). See "Chunking". */
export const CHUNK_SIZE = 262_144

/** Multicodec of a chunk block: raw bytes. See "Block identifiers". */
export const RAW_CODEC = 0x55

/** Multicodec of a manifest block: DAG-CBOR. See "Block identifiers". */
export const DAG_CBOR_CODEC = 0x71

/** Multihash code of the only hash function the protocol accepts: sha2-256. */
export const SHA2_256_CODE = 0x12

/** Length of a sha2-256 digest, in bytes. */
export const SHA2_256_LENGTH = 32

/** Version number a manifest carries in its `v` field. See "Manifest". */
export const MANIFEST_VERSION = 1

/** Largest encoded manifest, in bytes (4 MiB). See "Limits". */
export const MAX_MANIFEST_SIZE = 4 * 1024 * 1024

/** Most files one manifest may list. See "Limits". */
export const MAX_FILES = 20_000

/**
 * Manifest roots whose refusal `decodeManifest` remembers, so that the same root is neither
 * fetched nor decoded again; the oldest is forgotten first.
 */
export const MAX_REMEMBERED_REFUSALS = 256

/** Largest single file, in bytes (16 GiB: 65,536 chunks). See "Limits". */
export const MAX_FILE_SIZE = 16 * 1024 * 1024 * 1024

/** Longest normalised path, in UTF-8 bytes, including every '/'. See "Paths". */
export const MAX_PATH_LENGTH = 1024

/** Longest path segment (a file or folder name), in UTF-8 bytes. See "Paths". */
export const MAX_SEGMENT_LENGTH = 255

/** Longest media type string in a manifest entry, in bytes. See "Manifest". */
export const MAX_TYPE_LENGTH = 255

/** Name of a folder's index page. See "Lookup". */
export const INDEX_FILE = 'index.html'

/** Path of a site's not-found page. See "Lookup". */
export const NOT_FOUND_PATH = '/404.html'

/** Media type of a file whose extension the table does not know. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream'

/** Chunks `readVerified` fetches ahead of the one it is emitting. */
export const DEFAULT_READ_CONCURRENCY = 4
