/**
 * Cuts a flooding neighbour off before its messages are read (docs/PROTOCOL.md#live-updates).
 *
 * GossipSub drops everything a graylisted neighbour (score under the graylist threshold) sends,
 * but only once it has read and decoded the frame: a neighbour that keeps sending still costs
 * the relay every byte, decryption and decoding, and its frames share the event loop with
 * everyone else's. A graylisted neighbour that keeps sending more frames than a neighbour may
 * send messages at all (`LIVE_MESSAGES_PER_SECOND`, burst `LIVE_MESSAGE_BURST`) is hung up on,
 * and its connections (inbound and outbound) are refused for `LIVE_CUT_OFF_MS`: nothing it sends
 * is read from then on. A graylisted neighbour that sends little stays connected, its frames
 * dropped as before. (A version that lost a race to a newer one is ignored, not rejected, so it
 * does not graylist the honest relay that forwarded it: `RecentVersions`.)
 *
 * Peer IDs cost nothing, so a flooder cut off comes back with a fresh one. Once
 * `LIVE_SOURCE_STRIKES` neighbours of one source address block are cut off within
 * `LIVE_SOURCE_CUT_OFF_MS`, new connections from that block are refused for
 * `LIVE_SOURCE_CUT_OFF_MS` (those already open stay). A block refused again soon after is
 * refused twice as long each time, up to `LIVE_CUT_OFF_MS`: a flooder that keeps coming back
 * once its block is let in is kept out for longer, while a block refused once is let in soon.
 * @module
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { PeerRate, type PeerRateInit } from '@alternet/net/live'
import {
  LIVE_CUT_OFF_KEYS,
  LIVE_CUT_OFF_MS,
  LIVE_SOURCE_CUT_OFF_MS,
  LIVE_SOURCE_STRIKES,
} from './constants.ts'

/** What `LiveCutOff` works with. */
export interface LiveCutOffInit {
  gossip: GossipSub
  /** Closes every connection to `peer` (a peer ID string). */
  hangUp(peer: string): Promise<void>
  /**
   * The source address block of a connected neighbour (a peer ID string), or undefined for one
   * that has none (a relayed connection): such neighbours are never counted as a block.
   */
  sourceOf?(peer: string): string | undefined
  /** Told of each neighbour cut off, and of its block when that block is refused too. */
  onCutOff?(peer: string, source?: string): void
  /**
   * The frames a graylisted neighbour may still send (per second, burst) before it is cut off.
   * @default LIVE_MESSAGES_PER_SECOND, burst LIVE_MESSAGE_BURST
   */
  graylistedRate?: PeerRateInit
  /** How long a cut-off neighbour is refused, in ms. @default LIVE_CUT_OFF_MS */
  cutOffMs?: number
  /** Cut-off neighbours (and blocks) remembered at once; the earliest is forgotten first. @default LIVE_CUT_OFF_KEYS */
  maxCutOff?: number
  /** Neighbours of one block cut off within `sourceCutOffMs` that get the block refused. @default LIVE_SOURCE_STRIKES */
  sourceStrikes?: number
  /** How long a block is refused, and the window its strikes count in, in ms. @default LIVE_SOURCE_CUT_OFF_MS */
  sourceCutOffMs?: number
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

/** Neighbours cut off for flooding live updates, and the gate that keeps them out. */
export class LiveCutOff {
  private readonly init: LiveCutOffInit
  private readonly now: () => number
  /** Neighbour (peer ID string) → when it may connect again (ms). */
  private readonly until = new Map<string, number>()
  /** Source block → when its neighbours were cut off lately (ms). */
  private readonly strikes = new Map<string, number[]>()
  /** Source block → when new connections from it are taken again (ms). */
  private readonly sourceUntil = new Map<string, number>()
  /** Source block → how often it was refused lately, and when its last refusal ended (ms). */
  private readonly refusals = new Map<string, { count: number; until: number }>()
  private readonly graylisted: PeerRate

  constructor(init: LiveCutOffInit) {
    this.init = init
    this.now = init.now ?? Date.now
    this.graylisted = new PeerRate({
      ...init.graylistedRate,
      now: this.now,
      penaltyEvery: 1,
      onPenalty: (peer) => this.cutOff(peer),
    })
  }

  /**
   * Watches GossipSub's own check of each frame (`acceptFrom`, asked before anything in a frame
   * is handled) for graylisted neighbours that keep sending.
   */
  start(): void {
    // The router's public method, left out of the package's `GossipSub` interface.
    const router = this.init.gossip as unknown as { acceptFrom(id: string): boolean }
    const accepts = router.acceptFrom.bind(router)
    router.acceptFrom = (id: string): boolean => {
      if (this.refuses(id)) return false
      const accepted = accepts(id)
      if (!accepted) this.graylisted.take(id)
      return accepted
    }
  }

  /** Whether `peer` is cut off now (the connection gater asks before a connection is set up). */
  refuses(peer: PeerId | string): boolean {
    const id = peer.toString()
    const until = this.until.get(id)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.until.delete(id)
    return false
  }

  /** Whether new connections from `source` (a source address block) are refused now. */
  refusesSource(source: string): boolean {
    const until = this.sourceUntil.get(source)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.sourceUntil.delete(source)
    return false
  }

  private cutOff(peer: string): void {
    if (this.refuses(peer)) return
    const now = this.now()
    remember(this.until, peer, now + (this.init.cutOffMs ?? LIVE_CUT_OFF_MS), this.maxKeys())
    const source = this.init.sourceOf?.(peer)
    this.init.onCutOff?.(
      peer,
      source !== undefined && this.strike(source, now) ? source : undefined,
    )
    void this.init.hangUp(peer).catch(() => undefined)
  }

  /** Counts a cut-off against `source`; true when the block is refused from now on. */
  private strike(source: string, now: number): boolean {
    const window = this.init.sourceCutOffMs ?? LIVE_SOURCE_CUT_OFF_MS
    const recent = (this.strikes.get(source) ?? []).filter((at) => at > now - window)
    recent.push(now)
    remember(this.strikes, source, recent, this.maxKeys())
    if (recent.length < (this.init.sourceStrikes ?? LIVE_SOURCE_STRIKES)) return false
    if (this.refusesSource(source)) return false
    // Refused again within the longest refusal after the last one ended: twice as long.
    const longest = this.init.cutOffMs ?? LIVE_CUT_OFF_MS
    const last = this.refusals.get(source)
    const count = last !== undefined && now - last.until < longest ? last.count + 1 : 1
    const until = now + Math.min(longest, window * 2 ** (count - 1))
    remember(this.refusals, source, { count, until }, this.maxKeys())
    remember(this.sourceUntil, source, until, this.maxKeys())
    return true
  }

  private maxKeys(): number {
    return this.init.maxCutOff ?? LIVE_CUT_OFF_KEYS
  }
}

/** Sets `key` in `map` last, forgetting the earliest keys beyond `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key)
  while (map.size >= max) map.delete(map.keys().next().value!)
  map.set(key, value)
}
