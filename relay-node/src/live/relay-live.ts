/**
 * The relay's side of live updates (GossipSub, docs/PROTOCOL.md#live-updates):
 *
 * - It judges every live message with the same rules as a DHT PUT (the record policy's
 *   `checkPut` against the stored record: validity, rollback, hijack, revoked, blocked) and a
 *   revocation with the revoker's trust files. Faults of the sender (forged, malformed,
 *   rollback, hijack, wrong topic) are rejected, which scores the sender down; local policy
 *   (revoked or blocked here, a root it cannot find, clocks) is ignored: not forwarded, no blame.
 * - An accepted record is stored as a DHT PUT would store it, so the mirror starts fetching the
 *   new version at once; the gateway and the `.alt` resolver forget the old one.
 * - Each record its store accepts (a PUT from a publisher, a live message) and each revocation
 *   it applies is published on the site's topic.
 * - It follows the topics its non-relay neighbours subscribe to (up to `maxTopics`), so messages
 *   reach them through the relay mesh, and on following a topic it asks the DHT for the site's
 *   record: a relay that was away catches up from the DHT, the source of truth. A topic no
 *   non-relay neighbour wants any more is left at the next sweep.
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
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { equals } from '@alternet/core/bytes'
import {
  decodeRecord,
  decodeRevocation,
  encodeLiveMessage,
  isDhtKeyOf,
  liveTopic,
  liveTopicKey,
  selectRecord,
  type LiveMessageType,
} from '@alternet/core/records'
import {
  judgedError,
  judgeEveryTopic,
  liveValidator,
  penalizeOverRate,
  type LiveJudgement,
  type LiveValidatorInit,
} from '@alternet/net/live'
import { DHT_RECORD_PREFIX, REVOKE_PROTOCOL } from '../constants.ts'
import { RecordRefusedError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { RecordPolicy } from '../record-store.ts'
import { runAsSender } from '../record-store.ts'
import { UNKNOWN_SOURCE } from '../source-subnet.ts'
import type { RevokeAnswer } from '../revoke.ts'
import {
  LIVE_CATCH_UP_TIMEOUT_MS,
  LIVE_SWEEP_INTERVAL_MS,
  MAX_LIVE_TOPICS,
  MAX_MIRRORED_TOPICS,
} from './constants.ts'
import { LiveCutOff } from './live-cut-off.ts'

/** Refusals of the record policy that are the sender's fault (anything else is local policy). */
const SENDER_FAULTS = new Set([
  'rollback',
  'hijack',
  'forged',
  'malformed',
  'oversized',
  'key-mismatch',
  'unknown-type',
  'lifetime-too-long',
  'unauthorized-signer',
  'invalid',
])

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
  log: Logger
  /** Topics followed for neighbours at most. @default MAX_LIVE_TOPICS */
  maxTopics?: number
  /** Topics of mirrored sites followed at most. @default MAX_MIRRORED_TOPICS */
  maxMirroredTopics?: number
  validator?: LiveValidatorInit
}

/** The datastore key kad-dht keeps the record of a DHT key under. */
function recordDsKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

/** The relay's live updates. */
export class RelayLive {
  private readonly init: RelayLiveInit
  /** Topics followed for non-relay neighbours. */
  private readonly followed = new Set<string>()
  /** Topics of the sites the mirror holds. */
  private readonly mirrored = new Set<string>()
  private sweep: ReturnType<typeof setInterval> | undefined
  private readonly cutOff: LiveCutOff

  constructor(init: RelayLiveInit) {
    this.init = init
    this.cutOff = new LiveCutOff({
      gossip: init.gossip,
      hangUp: async (peer) => init.node.hangUp(peerIdFromString(peer)),
      sourceOf: (peer) => {
        // A neighbour relayed through another relay has no block of its own: never the relay's.
        const id = peerIdFromString(peer)
        const direct = init.node
          .getConnections(id)
          .some((c) => !c.remoteAddr.getComponents().some((p) => p.name === 'p2p-circuit'))
        const source = init.sourceOf(id)
        return direct && source !== UNKNOWN_SOURCE ? source : undefined
      },
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
        { judge: (t, b, k, f) => this.judge(t, b, k, f) },
        {
          sourceOf: (peer) => this.init.sourceOf(peer),
          onOverRate: (peer) => penalizeOverRate(this.init.gossip, peer),
          ...this.init.validator,
        },
      ),
    )
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

  private async isRelay(peer: PeerId): Promise<boolean> {
    const info = await this.init.node.peerStore.get(peer).catch(() => undefined)
    return info?.protocols.includes(REVOKE_PROTOCOL) === true
  }

  private async follow(peer: PeerId, topics: string[]): Promise<void> {
    if (await this.isRelay(peer)) return
    for (const topic of topics) {
      const key = liveTopicKey(topic)
      if (key === undefined || this.followed.has(topic)) continue
      if (this.followed.size >= (this.init.maxTopics ?? MAX_LIVE_TOPICS)) return
      this.followed.add(topic)
      if (!this.mirrored.has(topic)) this.init.gossip.subscribe(topic)
      void this.catchUp(key)
    }
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

  private async unfollowUnwanted(): Promise<void> {
    const { gossip } = this.init
    for (const topic of this.followed) {
      let wanted = false
      for (const peer of gossip.getSubscribers(topic)) {
        if (!(await this.isRelay(peer))) {
          wanted = true
          break
        }
      }
      if (!wanted) {
        this.followed.delete(topic)
        if (!this.mirrored.has(topic)) gossip.unsubscribe(topic)
      }
    }
  }

  private async judge(
    type: LiveMessageType,
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement> {
    return type === 'record'
      ? this.judgeRecord(bytes, key, from)
      : this.judgeRevocation(bytes, key, from)
  }

  private async judgeRecord(
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement> {
    const dsKey = recordDsKey(key)
    const stored = await this.init.peekRecord(dsKey)
    if (stored !== undefined && equals(stored, bytes)) return { verdict: 'ignore', reason: 'known' }
    try {
      await this.init.policy.checkPut(key, bytes, stored)
    } catch (err) {
      if (err instanceof RecordRefusedError)
        return { verdict: SENDER_FAULTS.has(err.reason) ? 'reject' : 'ignore', reason: err.reason }
      return judgedError(err)
    }
    try {
      await runAsSender({ peer: from.toString(), source: this.init.sourceOf(from) }, () =>
        this.init.putRecord(dsKey, new Libp2pRecord(key, bytes, new Date()).serialize()),
      )
    } catch (err) {
      // Valid and newer, but this relay cannot keep it (store full, sender over quota).
      return { verdict: 'ignore', reason: (err as { reason?: string }).reason ?? 'not-stored' }
    }
    return { verdict: 'accept', reason: 'newer' }
  }

  private async judgeRevocation(
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement> {
    let name: string
    try {
      name = decodeRevocation(bytes).body.name
    } catch (err) {
      return judgedError(err)
    }
    if (!isDhtKeyOf(key, name)) return { verdict: 'reject', reason: 'wrong-topic' }
    const answer: RevokeAnswer = await this.init
      .applyRevocation(bytes, from)
      .catch((err: Error) => ({
        ok: false,
        error: err.name,
        message: err.message,
      }))
    if (!answer.ok) {
      // Not trusted here may be trusted elsewhere; a bad signature is the sender's fault.
      const forged = /InvalidSignatureError|MalformedRecordError/.test(answer.message ?? '')
      return { verdict: forged ? 'reject' : 'ignore', reason: forged ? 'forged' : 'untrusted' }
    }
    return answer.fresh === true
      ? { verdict: 'accept', reason: 'revoked' }
      : { verdict: 'ignore', reason: 'known' }
  }
}
