/**
 * What the resolver (`resolver.ts`) gives and takes.
 * @module
 */
import type { Connection, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { SignedRecord } from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import type { NameConflict } from './choose-record.ts'
import type { RevocationSource } from './revocations.ts'

/** A resolved name. */
export interface ResolvedName {
  /** The canonical site name asked for. */
  site: string
  /** The final record, after CNAMEs. */
  record: SignedRecord
  /** Every record on the way: the asked name's first, the final one last. */
  chain: SignedRecord[]
  /** Whether every record of the chain came from the local cache. */
  fromCache: boolean
  /**
   * Whether the answer came from the cache with no DHT server to ask (no network: an offline
   * copy). Set by the naming service; the resolver alone leaves it out.
   */
  offline?: boolean
  /** When the final record was received from the network, ms since the epoch. */
  receivedAt: number
  /**
   * Set when this lookup of the final name found servers disagreeing on its holder (the UI
   * warns); the `conflict` event tells the same.
   */
  conflict?: NameConflict
}

/** Options of `resolve`. */
export interface ResolveOptions {
  signal?: AbortSignal
  /**
   * Skip the cache and take the servers' vote: a look-up of the network whose answer reports
   * their disagreement, not a trusted relay's first answer (the root of a subdomain may still
   * come from the cache). @default false
   */
  fresh?: boolean
}

/** What the resolver works with. */
export interface ResolverInit {
  dht: KadDHT
  storage: AlternetStorage
  trustedRegistrars: readonly Uint8Array[]
  now: () => number
  /** Where to ask whether a name is revoked (the node's relays); none: never asked. */
  revocations?: RevocationSource
  /**
   * The address block a DHT server answers from (`connectionBlock` of its connections): a
   * lookup with no pin counts one vote per block. None: each server is its own block.
   */
  blockOf?: (peer: PeerId) => string
  /**
   * The open connections to the relays this node trusts: each is asked for a name's record at
   * once, beside kad-dht's look-up, and the first that verifies answers (`relay-first.ts`). None:
   * only kad-dht is asked.
   */
  relayConnections?: () => readonly Connection[]
  /**
   * Gets `update` (a background refresh found a newer record), `keychange` and `conflict`
   * (servers returned records of different holders: `CustomEvent<NameConflict>`) events.
   */
  events: EventTarget
}

/** One name looked up (no CNAME followed). */
export interface LookedUp {
  record: SignedRecord
  fromCache: boolean
  receivedAt: number
  conflict?: NameConflict
}
