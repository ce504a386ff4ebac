/**
 * What the parts of a mirror share: its settings, its disk, its metrics, and the state of its
 * pulls, refusals and placement. One `MirrorState` per relay, made by `Mirror`.
 * @module
 */
import type { Registry } from 'prom-client'
import { CID } from 'multiformats/cid'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { Permissions } from '../permissions.ts'
import type { SourcePrefixes } from '../source-subnet.ts'
import type { GuardedDatastore, RecordPolicy } from '../record-store.ts'
import type { GoneRelays } from './gone-relays.ts'
import type { LiveView } from './live-relays.ts'
import type { MirrorMetrics } from './mirror-metrics.ts'
import type { MirrorStore } from './mirror-store.ts'

/** Which sites a relay mirrors. */
export type MirrorPolicy = 'open' | 'registered' | 'none'

/** Settings and parts of a mirror. */
export interface MirrorInit {
  dataDir: string
  policy: MirrorPolicy
  maxBytes: number
  ownerQuota: number
  replicas: number
  scanInterval: number
  node: RelayNode
  store: GuardedDatastore
  recordPolicy: RecordPolicy
  permissions: Permissions
  log: Logger
  registry: Registry
  /** How peers' addresses are grouped into sources, for the per-source limits. */
  sourcePrefixes: SourcePrefixes
  /** Where this relay serves its blocks over HTTP (`http-blocks.ts`), told in `complete` answers. */
  httpUrl?: () => string | undefined
  /** How relays' addresses are grouped into blocks, for placement (0: each relay alone). */
  placementPrefixes: SourcePrefixes
  /** A block of `site` was served to a peer (per-site statistics). */
  onServed?: (site: string, bytes: number) => void
  /** A site became complete here or got a new version (`held`), or was dropped (live topics). */
  onHeld?: (site: string, held: boolean) => void
}

/** A refusal remembered so the same root is not fetched again at every scan. */
export interface Refusal {
  root: string
  reason: string
  message: string
  at: number
}

/**
 * A site uploaded to this relay although it is not one of its placed mirrors: a staging copy
 * being taken or handed on to the placed relays (`handedOn` false), or handed on (true).
 */
export interface Staging {
  root: string
  /** Bytes of room reserved for it until it is handed on. */
  need: number
  /** The upload completed: the hand-on owns the reservation. */
  taken: boolean
  handedOn: boolean
}

/** A site being fetched: its root, blocks done of total, and the work itself. */
export interface Pull {
  root: string
  done: number
  total: number
  work: Promise<void>
  /**
   * Aborted when an upload put every block of `root` on disk: the pull's fetches under way stop,
   * and it finishes with the blocks on disk instead of waiting on its sources.
   */
  supplied: AbortController
  /** While an upload of `root` is under way here: the pull fetches no more blocks until it ends. */
  holdUntil?: Promise<void>
}

/**
 * How long a refusal of one root stands before the site is tried again (quotas free up). A
 * site no source could give (`unreachable`) is tried again at the next scan.
 */
export const REFUSAL_RETRY_MS = 10 * 60_000

/** The shared state of one relay's mirror. */
export interface MirrorState {
  readonly init: MirrorInit
  readonly disk: MirrorStore
  readonly metrics: MirrorMetrics
  readonly log: Logger
  /** Aborted when the relay stops. */
  readonly signal: AbortSignal
  /** Sites being fetched, by site name. */
  readonly pulls: Map<string, Pull>
  /** Refusals standing, by site name. */
  readonly refusals: Map<string, Refusal>
  /** Staging copies of sites not placed here, by site (answered as fetching, then as handed on). */
  readonly staging: Map<string, Staging>
  /** Sites placed here and not held completely, from the last scan. */
  deficit: Set<string>
  /** Bytes promised to pulls under way and not yet on disk. */
  reservedBytes: number
  /** Which relays answered as live lately (see `live-relays.ts`). */
  readonly view: LiveView
  /**
   * Peers whose own identify advertised taking uploads, connected now: relays, by peer ID, with
   * the source (address block) of the connection identify ran over. (A tab that opened an
   * upload or status stream is recorded in the peer store as speaking those protocols, but
   * never advertises them.)
   */
  readonly relays: Map<string, string>
  /**
   * Relays whose last connection to this one closed: left out of the live view without a
   * status question (a dead relay's question waits for a dial timeout) until they connect
   * again or `MIRROR_GONE_MS` passes. Bounded per source and in all.
   */
  readonly gone: GoneRelays
}

/** Whether a site's content may be served: its name not revoked, its root not blocked. */
export function isServable(state: MirrorState, site: string, root: string): boolean {
  const { permissions } = state.init
  return !permissions.isRevokedName(site) && !permissions.isBlockedRoot(CID.parse(root))
}
