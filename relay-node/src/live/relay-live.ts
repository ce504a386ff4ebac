/**
 * The relay's side of live updates (GossipSub, docs/PROTOCOL.md#live-updates):
 *
 * - It judges every live message as a DHT PUT is judged (`RelayLiveJudge`); an accepted record
 *   is stored as a DHT PUT would store it, so the mirror starts fetching the new version at
 *   once; the gateway and the `.alt` resolver forget the old one.
 * - Each record its store accepts (a PUT from a publisher, a live message) and each revocation
 *   it applies is published on the site's topic.
 * - It follows the topics its non-relay neighbours subscribe to, within each neighbour's and
 *   each address block's share (`LiveFollows`), and catches up from the DHT on following one.
 * - A graylisted neighbour that keeps sending is cut off (`LiveCutOff`): hung up on and refused
 *   for a while, so nothing more it sends is read.
 * - It follows the topics of the sites its mirror holds (up to `maxMirroredTopics`), from when a
 *   site is stored until it is dropped or purged: a newer version reaches the mirror by gossip
 *   and its fetch starts at once, without waiting for the next DHT scan.
 * @module
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { Libp2pRecord } from '@libp2p/record'
import type { Key } from 'interface-datastore'
import {
  decodeRecord,
  decodeRevocation,
  encodeLiveMessage,
  liveTopic,
  type LiveMessageType,
} from '@alternet/core/records'
import {
  judgeEveryTopic,
  liveValidator,
  penalizeOverRate,
  type LiveValidatorInit,
} from '@alternet/net/live'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { RecordPolicy } from '../record-store.ts'
import { UNKNOWN_SOURCE } from '../source-subnet.ts'
import type { RevokeAnswer } from '../revoke.ts'
import { MAX_MIRRORED_TOPICS } from './constants.ts'
import { LiveCutOff } from './live-cut-off.ts'
import { LiveFollows, type FollowRefusal } from './live-follows.ts'
import { RelayLiveJudge } from './live-judge.ts'

/** What the relay's live side works with. */
export interface RelayLiveInit {
  node: RelayNode
  gossip: GossipSub
  /** The relay's record policy (the guarded store's). */
  policy: Pick<RecordPolicy, 'checkPut'>
  /** The stored record value under a datastore key. */
  peekRecord(key: Key): Promise<Uint8Array | undefined>
  /** Stores a record as a DHT PUT does (the datastore kad-dht writes to). */
  putRecord(key: Key, value: Uint8Array): Promise<unknown>
  /** Applies a revocation (the relay's `Revoker`). */
  applyRevocation(bytes: Uint8Array, from?: PeerId): Promise<RevokeAnswer>
  /** The source (subnet) of a neighbour, for store quotas. */
  sourceOf(peer: PeerId): string
  /** A record of `site` was stored (a DHT PUT, a live message, a catch-up): caches drop the old one. */
  onRecord?(site: string): void
  /** A neighbour (peer ID string) was cut off for flooding; with `source`, its block is refused too. */
  onCutOff?(peer: string, source?: string): void
  /** Topics a neighbour wants were not followed: it, or its block, or the relay, holds its share. */
  onFollowRefused?(peer: string, of: FollowRefusal, refused: number): void
  log: Logger
  /** Topics followed for neighbours at most. @default MAX_LIVE_TOPICS */
  maxTopics?: number
  /** Topics followed for one neighbour at most. @default MAX_LIVE_TOPICS_PER_PEER */
  maxTopicsPerPeer?: number
  /** Topics followed for one address block's neighbours at most. @default MAX_LIVE_TOPICS_PER_SOURCE */
  maxTopicsPerSource?: number
  /** Topics of mirrored sites followed at most. @default MAX_MIRRORED_TOPICS */
  maxMirroredTopics?: number
  validator?: LiveValidatorInit
}

/** The relay's live updates. */
export class RelayLive {
  private readonly init: RelayLiveInit
  /** Topics followed for non-relay neighbours. */
  private readonly followed: LiveFollows
  /** Topics of the sites the mirror holds. */
  private readonly mirrored = new Set<string>()
  private readonly cutOff: LiveCutOff
  private readonly judge: RelayLiveJudge

  constructor(init: RelayLiveInit) {
    this.init = init
    const { maxTopics, maxTopicsPerPeer, maxTopicsPerSource } = init
    this.judge = new RelayLiveJudge(init)
    this.followed = new LiveFollows({
      node: init.node,
      gossip: init.gossip,
      peekRecord: async (key) => init.peekRecord(key),
      putRecord: async (key, value) => init.putRecord(key, value),
      ...(maxTopics === undefined ? {} : { maxTopics }),
      ...(maxTopicsPerPeer === undefined ? {} : { maxTopicsPerPeer }),
      ...(maxTopicsPerSource === undefined ? {} : { maxTopicsPerSource }),
      sourceOf: (peer) => this.blockOf(peer),
      mirrored: (topic) => this.mirrored.has(topic),
      onRefused: (peer, of, refused) => {
        init.log.info('live topics not followed: the share is taken', { peer, of, refused })
        init.onFollowRefused?.(peer, of, refused)
      },
    })
    this.cutOff = new LiveCutOff({
      gossip: init.gossip,
      hangUp: async (peer) => init.node.hangUp(peerIdFromString(peer)),
      sourceOf: (peer) => this.blockOf(peerIdFromString(peer)),
      onCutOff: (peer, source) => {
        init.log.info('live neighbour cut off for flooding', { peer, source })
        init.onCutOff?.(peer, source)
      },
    })
  }

  /** Whether `peer` is cut off for flooding (the connection gater refuses it meanwhile). */
  refuses(peer: PeerId): boolean {
    return this.cutOff.refuses(peer)
  }

  /** Whether new connections from `source` (an address block) are refused for its flooders. */
  refusesSource(source: string): boolean {
    return this.cutOff.refusesSource(source)
  }

  start(): void {
    this.cutOff.start()
    judgeEveryTopic(
      this.init.gossip,
      liveValidator(
        { judge: async (t, b, k, f) => this.judge.judge(t, b, k, f) },
        {
          sourceOf: (peer) => this.init.sourceOf(peer),
          onOverRate: (peer) => penalizeOverRate(this.init.gossip, peer),
          ...this.init.validator,
        },
      ),
    )
    this.followed.start()
  }

  stop(): void {
    this.followed.stop()
  }

  /** Topics followed now (for neighbours or for the mirror). */
  topics(): number {
    let n = this.followed.size
    for (const topic of this.mirrored) if (!this.followed.has(topic)) n++
    return n
  }

  /**
   * The mirror holds `site` now (`held`: stored, or a new version of it) or no longer (dropped,
   * purged): its topic is followed or left accordingly.
   */
  async onMirrored(site: string, held: boolean): Promise<void> {
    const topic = await liveTopic(site)
    const { gossip } = this.init
    if (held) {
      if (this.mirrored.has(topic)) return
      if (this.mirrored.size >= (this.init.maxMirroredTopics ?? MAX_MIRRORED_TOPICS)) return
      this.mirrored.add(topic)
      if (!this.followed.has(topic)) gossip.subscribe(topic)
    } else if (this.mirrored.delete(topic) && !this.followed.has(topic)) {
      gossip.unsubscribe(topic)
    }
  }

  /** Publishes a record the store accepted (`RecordWatch`'s `onStored`) on its site's topic. */
  async onStored(dsKey: string, value: Uint8Array): Promise<void> {
    if (!dsKey.startsWith(DHT_RECORD_PREFIX)) return
    this.judge.stored(dsKey, value)
    try {
      const record = decodeRecord(Libp2pRecord.deserialize(value).value)
      this.init.onRecord?.(record.body.name)
      await this.send(record.body.name, 'record', record.bytes)
    } catch (err) {
      this.init.log.debug('stored record not sent live', { error: err })
    }
  }

  /** Publishes a revocation this relay applied on its site's topic. */
  async onRevoked(bytes: Uint8Array): Promise<void> {
    try {
      await this.send(decodeRevocation(bytes).body.name, 'revocation', bytes)
    } catch (err) {
      this.init.log.debug('revocation not sent live', { error: err })
    }
  }

  /** Publishes on `site`'s topic when a neighbour subscribes to it (most stored sites have none). */
  private async send(site: string, t: LiveMessageType, v: Uint8Array): Promise<void> {
    const topic = await liveTopic(site)
    if (this.init.gossip.getSubscribers(topic).length === 0) return
    await this.init.gossip.publish(topic, encodeLiveMessage({ t, v }))
  }

  /** A neighbour's address block; none for one relayed through another relay (never the relay's). */
  private blockOf(peer: PeerId): string | undefined {
    const direct = this.init.node
      .getConnections(peer)
      .some((c) => !c.remoteAddr.getComponents().some((p) => p.name === 'p2p-circuit'))
    const source = this.init.sourceOf(peer)
    return direct && source !== UNKNOWN_SOURCE ? source : undefined
  }
}
