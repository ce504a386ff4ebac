/**
 * The topics a relay follows for its non-relay neighbours (docs/PROTOCOL.md#live-updates), so
 * messages reach them through the relay mesh. On following a topic it asks the DHT for the
 * site's record: a relay that was away catches up from the DHT, the source of truth. A topic no
 * non-relay neighbour wants any more is left at the next sweep.
 *
 * Following costs the relay a mesh entry, a subscription line to every other relay and a DHT
 * look-up, and the relay follows `maxTopics` at most. Peer IDs cost nothing and GossipSub lets
 * one neighbour subscribe to as many topics as another relay follows, so each topic is charged
 * to the neighbour that asked first, and to its address block: past `maxTopicsPerPeer` or
 * `maxTopicsPerSource` the neighbour's further topics are refused (`onRefused`), and one visitor,
 * or one address block's fresh peer IDs, cannot take the room the others need. A neighbour
 * relayed through another relay has no block of its own (only its own share applies).
 * @module
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import type { Key } from 'interface-datastore'
import { equals } from '@alternet/core/bytes'
import { liveTopicKey, selectRecord } from '@alternet/core/records'
import { REVOKE_PROTOCOL } from '../constants.ts'
import type { RelayNode } from '../node.ts'
import {
  LIVE_CATCH_UP_TIMEOUT_MS,
  LIVE_SWEEP_INTERVAL_MS,
  MAX_LIVE_TOPICS,
  MAX_LIVE_TOPICS_PER_PEER,
  MAX_LIVE_TOPICS_PER_SOURCE,
} from './constants.ts'
import { recordDsKey } from './live-judge.ts'

/** Which share a refused topic was over. */
export type FollowRefusal = 'peer' | 'source' | 'relay'

/** What `LiveFollows` works with. */
export interface LiveFollowsInit {
  node: RelayNode
  gossip: GossipSub
  /** The address block of a neighbour, or undefined for one with none (relayed). */
  sourceOf(peer: PeerId): string | undefined
  /** Whether the mirror keeps `topic` followed anyway (then it is never left here). */
  mirrored(topic: string): boolean
  /** The stored record value under a datastore key. */
  peekRecord(key: Key): Promise<Uint8Array | undefined>
  /** Stores a record as a DHT PUT does. */
  putRecord(key: Key, value: Uint8Array): Promise<unknown>
  /** Told when `refused` topics a neighbour (peer ID string) wants are not followed, and why. */
  onRefused?(peer: string, of: FollowRefusal, refused: number): void
  /** Topics followed for neighbours at most. @default MAX_LIVE_TOPICS */
  maxTopics?: number
  /** Topics followed for one neighbour at most. @default MAX_LIVE_TOPICS_PER_PEER */
  maxTopicsPerPeer?: number
  /** Topics followed for the neighbours of one address block at most. @default MAX_LIVE_TOPICS_PER_SOURCE */
  maxTopicsPerSource?: number
}

/** Who a followed topic is charged to. */
interface Charge {
  peer: string
  source: string | undefined
}

/** The topics followed for neighbours, each charged to one neighbour and its block. */
export class LiveFollows {
  private readonly init: LiveFollowsInit
  private readonly charged = new Map<string, Charge>()
  private readonly perPeer = new Map<string, number>()
  private readonly perSource = new Map<string, number>()
  private sweep: ReturnType<typeof setInterval> | undefined

  constructor(init: LiveFollowsInit) {
    this.init = init
  }

  start(): void {
    this.init.gossip.addEventListener('subscription-change', (event) => {
      const { peerId, subscriptions } = event.detail
      const wanted = subscriptions.filter((s) => s.subscribe).map((s) => s.topic)
      if (wanted.length > 0) void this.follow(peerId, wanted)
    })
    this.sweep = setInterval(() => void this.unfollowUnwanted(), LIVE_SWEEP_INTERVAL_MS)
    this.sweep.unref()
  }

  stop(): void {
    clearInterval(this.sweep)
  }

  /** Whether `topic` is followed for a neighbour. */
  has(topic: string): boolean {
    return this.charged.has(topic)
  }

  /** Topics followed for neighbours. */
  get size(): number {
    return this.charged.size
  }

  /** Follows the live topics among `topics` that `peer` (not a relay) subscribed to, within its shares. */
  async follow(peer: PeerId, topics: string[]): Promise<void> {
    if (await this.isRelay(peer)) return
    const id = peer.toString()
    const source = this.init.sourceOf(peer)
    let refusal: FollowRefusal | undefined
    let refused = 0
    for (const topic of topics) {
      const key = liveTopicKey(topic)
      if (key === undefined || this.charged.has(topic)) continue
      const over = this.over(id, source)
      if (over !== undefined) {
        refusal ??= over
        refused++
        continue
      }
      this.charge(topic, { peer: id, source })
      if (!this.init.mirrored(topic)) this.init.gossip.subscribe(topic)
      void this.catchUp(key)
    }
    if (refusal !== undefined) this.init.onRefused?.(id, refusal, refused)
  }

  /** The share a new topic of `peer` would exceed, if any. */
  private over(peer: string, source: string | undefined): FollowRefusal | undefined {
    if (this.charged.size >= (this.init.maxTopics ?? MAX_LIVE_TOPICS)) return 'relay'
    if ((this.perPeer.get(peer) ?? 0) >= (this.init.maxTopicsPerPeer ?? MAX_LIVE_TOPICS_PER_PEER))
      return 'peer'
    if (
      source !== undefined &&
      (this.perSource.get(source) ?? 0) >=
        (this.init.maxTopicsPerSource ?? MAX_LIVE_TOPICS_PER_SOURCE)
    )
      return 'source'
    return undefined
  }

  private charge(topic: string, to: Charge): void {
    this.release(topic)
    this.charged.set(topic, to)
    this.perPeer.set(to.peer, (this.perPeer.get(to.peer) ?? 0) + 1)
    if (to.source !== undefined)
      this.perSource.set(to.source, (this.perSource.get(to.source) ?? 0) + 1)
  }

  private release(topic: string): void {
    const was = this.charged.get(topic)
    if (was === undefined) return
    this.charged.delete(topic)
    decrement(this.perPeer, was.peer)
    if (was.source !== undefined) decrement(this.perSource, was.source)
  }

  private async isRelay(peer: PeerId): Promise<boolean> {
    const info = await this.init.node.peerStore.get(peer).catch(() => undefined)
    return info?.protocols.includes(REVOKE_PROTOCOL) === true
  }

  /**
   * Asks the DHT for the site's records and stores the best when it beats the stored one; the
   * store's `onStored` then publishes it, so subscribers that missed it get it too.
   */
  private async catchUp(key: Uint8Array): Promise<void> {
    const found: Uint8Array[] = []
    try {
      for await (const event of this.init.node.services.dht.get(key, {
        signal: AbortSignal.timeout(LIVE_CATCH_UP_TIMEOUT_MS),
      })) {
        if (event.name === 'VALUE') found.push(event.value)
      }
    } catch {
      // Timed out or none found: what was found so far.
    }
    if (found.length === 0) return
    const best = found[selectRecord(found, { key })]
    const dsKey = recordDsKey(key)
    const stored = await this.init.peekRecord(dsKey)
    if (stored !== undefined && equals(stored, best)) return
    await this.init
      .putRecord(dsKey, new Libp2pRecord(key, best, new Date()).serialize())
      .catch(() => undefined)
  }

  /**
   * Leaves the topics no non-relay neighbour wants any more; a topic whose neighbour left but
   * that others still want is charged to one of them.
   */
  private async unfollowUnwanted(): Promise<void> {
    const { gossip } = this.init
    for (const [topic, charge] of [...this.charged]) {
      const wanting: PeerId[] = []
      for (const peer of gossip.getSubscribers(topic))
        if (!(await this.isRelay(peer))) wanting.push(peer)
      if (wanting.length === 0) {
        this.release(topic)
        if (!this.init.mirrored(topic)) gossip.unsubscribe(topic)
      } else if (!wanting.some((p) => p.toString() === charge.peer)) {
        this.charge(topic, { peer: wanting[0].toString(), source: this.init.sourceOf(wanting[0]) })
      }
    }
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1
  if (n > 0) counts.set(key, n)
  else counts.delete(key)
}
