/**
 * `LiveUpdates`: a peer's side of live updates (browser and Node). It subscribes to the topics of
 * the sites it has open or hosts, judges each message against what it knows (a valid record
 * that beats the cached one by the selection rules; a revocation by a revoker it trusts), and
 * then caches the record at once and says so: `record` (`CustomEvent<LiveRecord>`) and
 * `revocation` (`CustomEvent<LiveRevocation>`). A newer record of a site this device publishes
 * under the same key (another device's version) is adopted as the site's record, so the
 * republisher signs above it rather than over it. See docs/PROTOCOL.md#live-updates.
 * @module
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { base32 } from 'multiformats/bases/base32'
import type { PeerId } from '@libp2p/interface'
import { equals } from '../../core/bytes.ts'
import { rootSiteName } from '../../core/names/index.ts'
import {
  DHT_KEY_PREFIX,
  encodeLiveMessage,
  LIVE_TOPIC_PREFIX,
  isDhtKeyOf,
  liveTopic,
  selectRecord,
  validateRecord,
  verifyRevocation,
  type LiveMessageType,
  type SignedRecord,
  type SignedRevocation,
} from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import { penalizeOverRate } from './live-gossip.ts'
import {
  judgeEveryTopic,
  liveValidator,
  type LiveJudgement,
  type LiveValidatorInit,
} from './live-validator.ts'
import { RecentVersions } from './recent-versions.ts'

/** Detail of `record`: a newer record of a watched site arrived and is cached. */
export interface LiveRecord {
  site: string
  record: SignedRecord
  /** Whether it is another device's version of a site this device publishes, now adopted. */
  adopted: boolean
}

/** Detail of `revocation`: a trusted revocation of a watched site arrived. */
export interface LiveRevocation {
  site: string
  revocation: SignedRevocation
}

/** What `LiveUpdates` needs. */
export interface LiveUpdatesInit {
  gossip: GossipSub
  storage: Pick<AlternetStorage, 'records' | 'sites'>
  /** Registrar keys of a permissioned network, read at each judgement. */
  trustedRegistrars(): readonly Uint8Array[]
  /** Revoker keys this peer trusts, read at each judgement. */
  trustedRevokers(): readonly Uint8Array[]
  /** This node's peer id as a record host (adopted records keep hosting only when they list it). */
  selfId?: Uint8Array
  /** The clock. @default Date.now */
  now?: () => number
  /** Rate limit and judgement reports. */
  validator?: LiveValidatorInit
}

/** Live updates of the sites a peer has open or hosts. */
export class LiveUpdates extends EventTarget {
  private readonly init: LiveUpdatesInit
  private readonly now: () => number
  /** Watch counts by site: a site open in two views is unwatched when both close. */
  private readonly watched = new Map<string, number>()
  /** The versions taken lately: an older one arriving just after is a lost race, not a replay. */
  private readonly versions: RecentVersions

  constructor(init: LiveUpdatesInit) {
    super()
    this.init = init
    this.now = init.now ?? Date.now
    this.versions = new RecentVersions({ now: this.now })
    judgeEveryTopic(
      init.gossip,
      liveValidator(
        { judge: (t, b, k, f) => this.judge(t, b, k, f) },
        { onOverRate: (peer) => penalizeOverRate(init.gossip, peer), ...init.validator },
      ),
    )
  }

  /** Subscribes to `site`'s topic (counted: call `unwatch` once per `watch`). */
  async watch(site: string): Promise<void> {
    const topic = await liveTopic(site)
    const count = this.watched.get(topic) ?? 0
    this.watched.set(topic, count + 1)
    if (count === 0) this.init.gossip.subscribe(topic)
  }

  /** Undoes one `watch`; the topic is left when no watch remains. */
  async unwatch(site: string): Promise<void> {
    const topic = await liveTopic(site)
    const count = this.watched.get(topic) ?? 0
    if (count <= 1) {
      this.watched.delete(topic)
      if (count === 1) this.init.gossip.unsubscribe(topic)
    } else this.watched.set(topic, count - 1)
  }

  /** Sends a record (envelope bytes) to its site's subscribers; resolves to how many neighbours got it. */
  async publishRecord(record: SignedRecord): Promise<number> {
    return this.send(record.body.name, 'record', record.bytes)
  }

  /** Sends a revocation to its site's subscribers. */
  async publishRevocation(revocation: SignedRevocation): Promise<number> {
    return this.send(revocation.body.name, 'revocation', revocation.bytes)
  }

  private async send(site: string, t: LiveMessageType, v: Uint8Array): Promise<number> {
    const { recipients } = await this.init.gossip.publish(
      await liveTopic(site),
      encodeLiveMessage({ t, v }),
    )
    return recipients.length
  }

  private async judge(
    type: LiveMessageType,
    bytes: Uint8Array,
    key: Uint8Array,
    _from: PeerId,
  ): Promise<LiveJudgement> {
    // Only the sites watched here: a neighbour cannot fill the cache with other sites' records.
    if (!this.watched.has(LIVE_TOPIC_PREFIX + base32.encode(key.subarray(DHT_KEY_PREFIX.length))))
      return { verdict: 'ignore', reason: 'not-watched' }
    return type === 'record' ? this.judgeRecord(bytes, key) : this.judgeRevocation(bytes, key)
  }

  private async judgeRecord(bytes: Uint8Array, key: Uint8Array): Promise<LiveJudgement> {
    const { storage } = this.init
    const trustedRegistrars = this.init.trustedRegistrars()
    let record: SignedRecord
    try {
      record = await validateRecord(bytes, { key, now: this.now(), trustedRegistrars })
    } catch (err) {
      return judgedError(err)
    }
    const site = record.body.name
    if (record.body.root !== undefined) {
      // A subdomain counts only against its root's record; without one here, it is not judged.
      const root = await storage.records.getCachedRecord(rootSiteName(site))
      if (root === undefined) return { verdict: 'ignore', reason: 'root-unknown' }
      try {
        await validateRecord(bytes, {
          key,
          now: this.now(),
          trustedRegistrars,
          rootRecord: root.bytes,
        })
      } catch (err) {
        return judgedError(err)
      }
    }
    const cached = await storage.records.getCachedRecord(site)
    if (cached !== undefined) {
      if (equals(cached.bytes, bytes)) return { verdict: 'ignore', reason: 'known' }
      if (selectRecord([cached.bytes, bytes], { key, trustedRegistrars }) === 0) {
        return equals(cached.holder, record.holder)
          ? this.versions.judgeOlder(site, record.body.seq, cached.seq)
          : { verdict: 'reject', reason: 'hijack' }
      }
    }
    await storage.records.putCachedRecord(site, bytes, this.now())
    this.versions.took(site, record.body.seq, cached?.seq)
    const adopted = await this.adopt(record)
    this.dispatchEvent(new CustomEvent<LiveRecord>('record', { detail: { site, record, adopted } }))
    return { verdict: 'accept', reason: 'newer' }
  }

  /**
   * Takes another device's newer record of an own site as the site's record (as the
   * republisher does on finding one in the DHT): hosted here only if it lists this node and
   * names the same content.
   */
  private async adopt(record: SignedRecord): Promise<boolean> {
    const { sites } = this.init.storage
    const own = await sites.getPublishedSite(record.body.name)
    if (own === undefined || !equals(own.owner, record.holder) || record.body.seq <= own.seq)
      return false
    const listed =
      this.init.selfId !== undefined &&
      record.body.hosts?.some((h) => equals(h.id, this.init.selfId!)) === true
    const sameContent = own.root?.toString() === record.body.content?.toString()
    await sites.putPublishedSite(record.bytes, {
      publishedAt: Math.min(record.body.created, this.now()),
      hosted: own.hosted && listed && sameContent,
    })
    return true
  }

  private async judgeRevocation(bytes: Uint8Array, key: Uint8Array): Promise<LiveJudgement> {
    const trustedRevokers = this.init.trustedRevokers()
    let revocation: SignedRevocation
    try {
      revocation = await verifyRevocation(bytes, { trustedRevokers, now: this.now() })
    } catch (err) {
      // A revoker this peer does not trust may be trusted by the relay that sent it: no fault.
      if ((err as Error).name === 'UnauthorizedSignerError')
        return { verdict: 'ignore', reason: 'untrusted-revoker' }
      return judgedError(err)
    }
    if (!isDhtKeyOf(key, revocation.body.name)) return { verdict: 'reject', reason: 'wrong-topic' }
    this.dispatchEvent(
      new CustomEvent<LiveRevocation>('revocation', {
        detail: { site: revocation.body.name, revocation },
      }),
    )
    return { verdict: 'accept', reason: 'revoked' }
  }
}

/**
 * A refused record or revocation: clock-dependent refusals (expired, from the future) are
 * ignored, since an honest neighbour's clock may differ; anything else is the sender's fault.
 */
export function judgedError(err: unknown): LiveJudgement {
  const name = (err as { name?: unknown } | null)?.name
  if (name === 'RecordExpiredError' || name === 'RecordFromFutureError')
    return { verdict: 'ignore', reason: 'clock' }
  if (name === 'KeyMismatchError') return { verdict: 'reject', reason: 'wrong-topic' }
  if (name === 'InvalidSignatureError') return { verdict: 'reject', reason: 'forged' }
  if (name === 'RecordTooLargeError') return { verdict: 'reject', reason: 'oversized' }
  return { verdict: 'reject', reason: 'invalid' }
}
