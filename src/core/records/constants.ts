/**
 * Protocol constants for signed name records. Every value here is part of the wire protocol
 * unless it says otherwise: see docs/PROTOCOL.md.
 * @module
 */

/** Version of the record body format (`v`). See docs/PROTOCOL.md#body. */
export const RECORD_VERSION = 1
/** Largest envelope, in bytes, that any peer stores, relays or accepts (10 KiB). */
export const MAX_RECORD_SIZE = 10240
/** Longest allowed lifetime of a record, `expires - created`, in milliseconds (48 h). */
export const MAX_RECORD_LIFETIME_MS = 48 * 60 * 60 * 1000
/**
 * Longest a delegation may still run, `delegation.expires - now`, in milliseconds (30 days):
 * a delegate key cannot be withdrawn before its delegation expires, so the root key re-signs it
 * at least this often. See docs/PROTOCOL.md#validation.
 */
export const MAX_DELEGATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000
/** Lifetime `createRecord` gives a record when none is set, in milliseconds (48 h; owners republish every 24 h). */
export const DEFAULT_RECORD_LIFETIME_MS = MAX_RECORD_LIFETIME_MS
/** How far in the future `created` may lie before a record is refused, in milliseconds (5 min). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
/** Smallest cache TTL a record may carry, in seconds. */
export const MIN_TTL_SECONDS = 1
/** Largest cache TTL a record may carry, in seconds (24 h). */
export const MAX_TTL_SECONDS = 86400
/** Cache TTL `createRecord` uses when none is set, in seconds (not part of the wire protocol). */
export const DEFAULT_TTL_SECONDS = 300
/** Largest sequence number, timestamp or expiry: 2^53 - 1, so every runtime holds it exactly. */
export const MAX_SAFE_UINT = Number.MAX_SAFE_INTEGER
/** Most hosting peers one record may list. */
export const MAX_HOSTS = 16
/** Most multiaddrs one hosting peer may list. */
export const MAX_ADDRS_PER_HOST = 8
/** Longest peer ID (multihash bytes) a host entry may carry. */
export const MAX_PEER_ID_LENGTH = 64
/** Longest binary multiaddr a host entry may carry, in bytes. */
export const MAX_MULTIADDR_LENGTH = 512
/** Multihash codes a host's peer ID may use: identity (inlined key) and sha2-256 (hashed key). */
export const PEER_ID_MULTIHASH_CODES: readonly number[] = [0x00, 0x12]
/** Multicodec of a record's `content` CID: dag-cbor, the site manifest. */
export const CONTENT_ROOT_CODEC = 0x71
/** Multicodecs a revocation's `roots` may use: dag-cbor manifests and raw blocks. */
export const REVOKABLE_CODECS: readonly number[] = [0x71, 0x55]
/** Multihash code of every CID in a record: sha2-256 (32-byte digest). */
export const CID_HASH_CODE = 0x12
/** Most entries in `meta`. */
export const MAX_META_ENTRIES = 32
/** Longest `meta` key, in UTF-16 code units (keys are short identifiers). */
export const MAX_META_KEY_LENGTH = 64
/** Most content roots one revocation may list. */
export const MAX_REVOCATION_ROOTS = 64
/** Length of every Ed25519 public key in a record, in bytes. */
export const KEY_LENGTH = 32
/** Length of every Ed25519 signature in a record, in bytes. */
export const SIGNATURE_LENGTH = 64

/** Signing-domain tag of a record body; the signed bytes are tag, 0x00, body. */
export const RECORD_SIGNING_DOMAIN = 'an-record-v1'
/** Signing-domain tag of a delegation from a root key to a delegate key. */
export const DELEGATION_SIGNING_DOMAIN = 'an-delegation-v1'
/** Signing-domain tag of a registrar's registration of a root name. */
export const REGISTRATION_SIGNING_DOMAIN = 'an-registration-v1'
/** Signing-domain tag of a revocation. */
export const REVOCATION_SIGNING_DOMAIN = 'an-revocation-v1'
/** Hashing-domain tag of a site DID. */
export const DID_HASH_DOMAIN = 'an-did-v1'
/** Prefix of every site DID. */
export const DID_PREFIX = 'did:an:'

/** kad-dht namespace under which validators and selectors are registered. */
export const DHT_NAMESPACE = 'an'
/** Prefix of every DHT key: `/an/`, then the 32-byte SHA-256 of the canonical site name. */
export const DHT_KEY_PREFIX = `/${DHT_NAMESPACE}/`
/** Length of the hash part of a DHT key, in bytes. */
export const DHT_KEY_HASH_LENGTH = 32

/** Record types: `root` for a name without subdomains, the others for subdomains only. */
export const RECORD_TYPES = ['root', 'A', 'CNAME', 'TXT'] as const
