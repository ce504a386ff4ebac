/**
 * The record store's flags: its quotas, eviction, root look-ups, republishing and expiry, listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from './option-spec.ts'
import * as C from './constants.ts'

/** What a full store does with a new entry. */
export type EvictionPolicy = 'heaviest' | 'oldest' | 'refuse'

/** The store settings. */
export interface StoreSettings {
  storeMaxBytes: number
  storePeerQuota: number
  storeSourceQuota: number
  newNamesPerMinute: number
  evictionPolicy: EvictionPolicy
  storeFlushInterval: number
  rootLookupTimeout: number
  rootCacheSize: number
  rootCacheTtl: number
  rootNegativeTtl: number
  maxRootLookups: number
  republishInterval: number
  expirySweepInterval: number
}

/** The store rows of the option table. */
export const STORE_OPTIONS: readonly OptionSpec<keyof StoreSettings>[] = [
  {
    key: 'storeMaxBytes',
    flag: 'store-max-bytes',
    kind: 'bytes',
    default: C.DEFAULT_STORE_MAX_BYTES,
    doc: 'total size of stored records and providers',
  },
  {
    key: 'storePeerQuota',
    flag: 'store-peer-quota',
    kind: 'bytes',
    default: C.DEFAULT_STORE_PEER_QUOTA_BYTES,
    doc: 'bytes one sending peer may occupy',
  },
  {
    key: 'storeSourceQuota',
    flag: 'store-source-quota',
    kind: 'bytes',
    default: C.DEFAULT_STORE_SOURCE_QUOTA_BYTES,
    doc: 'bytes the peers of one source (address block) may occupy together',
  },
  {
    key: 'newNamesPerMinute',
    flag: 'new-names-per-minute',
    kind: 'count',
    default: C.DEFAULT_NEW_NAMES_PER_MINUTE,
    doc: 'names not yet stored one source may add per minute (bursts of a few minutes allowed; 0 = no limit)',
  },
  {
    key: 'evictionPolicy',
    flag: 'eviction-policy',
    kind: 'enum',
    values: ['heaviest', 'oldest', 'refuse'],
    default: C.DEFAULT_EVICTION_POLICY,
    doc: 'when full: evict expired records and provider records, oldest first, then (heaviest) the newest records of the source holding the most; oldest never evicts a live name; refuse evicts nothing',
  },
  {
    key: 'storeFlushInterval',
    flag: 'store-flush-interval',
    kind: 'duration',
    default: C.DEFAULT_STORE_FLUSH_INTERVAL_MS,
    doc: 'batch store writes to disk this often; a crash loses at most this much (0 = write each at once)',
  },
  {
    key: 'rootLookupTimeout',
    flag: 'root-lookup-timeout',
    kind: 'duration',
    default: C.DEFAULT_ROOT_LOOKUP_TIMEOUT_MS,
    doc: "how long a write of a name not held here, or a subdomain write, waits for a DHT look-up of the (root) name's record",
  },
  {
    key: 'rootCacheSize',
    flag: 'root-cache-size',
    kind: 'count',
    default: C.DEFAULT_ROOT_CACHE_SIZE,
    doc: 'root look-up results kept, found or not (0 = none)',
  },
  {
    key: 'rootCacheTtl',
    flag: 'root-cache-ttl',
    kind: 'duration',
    default: C.DEFAULT_ROOT_CACHE_TTL_MS,
    doc: 'longest a found root record is reused (never near its expiry)',
  },
  {
    key: 'rootNegativeTtl',
    flag: 'root-negative-ttl',
    kind: 'duration',
    default: C.DEFAULT_ROOT_NEGATIVE_TTL_MS,
    doc: 'how long "no root record found" stands before the DHT is asked again',
  },
  {
    key: 'maxRootLookups',
    flag: 'max-root-lookups',
    kind: 'count',
    default: C.DEFAULT_MAX_ROOT_LOOKUPS,
    doc: 'DHT look-ups of distinct root names at once; writes needing more are refused (busy)',
  },
  {
    key: 'republishInterval',
    flag: 'republish-interval',
    kind: 'duration',
    default: C.DEFAULT_REPUBLISH_INTERVAL_MS,
    doc: 're-put held records to the closest peers this often',
  },
  {
    key: 'expirySweepInterval',
    flag: 'expiry-sweep-interval',
    kind: 'duration',
    default: C.DEFAULT_EXPIRY_SWEEP_INTERVAL_MS,
    doc: 'drop expired records this often',
  },
]
