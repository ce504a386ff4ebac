/**
 * The contracts of the guarded store (record-store.ts): the policy it asks before each write,
 * its limits, its counts and the events it reports.
 * @module
 */
import type { EvictionPolicy } from './store-settings.ts'

/** Decides what may be stored and served under the `an` namespace and beyond. */
export interface RecordPolicy {
  /**
   * Throws `RecordRefusedError` when `incoming` (a record value) may not be stored under the DHT
   * `key`, given the value stored there now (`current`, when any).
   */
  checkPut(key: Uint8Array, incoming: Uint8Array, current: Uint8Array | undefined): Promise<void>
  /** Whether a stored record value may still be served (not expired, revoked or blocked). */
  isServable(key: Uint8Array, value: Uint8Array): Promise<boolean>
  /**
   * Until when (ms since the epoch) a stored record may not be evicted to make room: a name
   * record's `expires`. Undefined for entries that may be evicted at any time.
   */
  protectedUntil(key: Uint8Array, value: Uint8Array): number | undefined
  /** Whether provider records for this multihash (a blocked content root) are refused. */
  isBlockedMultihash(multihash: Uint8Array): boolean
}

/** Limits of the store. */
export interface StoreLimits {
  /** Total bytes of records and provider records. */
  maxBytes: number
  /** Bytes of records one sending peer may occupy. */
  peerQuota: number
  /** Bytes of records the peers of one source may occupy together. */
  sourceQuota: number
  /** Names not stored yet that one source may add per minute (0 = no limit). */
  newNamesPerMinute: number
  /** What a full store does with a new entry (see the module doc). */
  evictionPolicy: EvictionPolicy
}

/** Counts of what the store holds. */
export interface StoreStats {
  records: number
  providers: number
  bytes: number
}

/** Callbacks for the relay's metrics and logs. */
export interface GuardEvents {
  refused(reason: string, key: string, peer: string | undefined): void
  evicted(key: string): void
}
