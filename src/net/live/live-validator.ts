/**
 * The validator of live topics: every message GossipSub receives is judged here before it is
 * delivered or forwarded. A neighbour over its rate, or over its source address block's (relays),
 * is ignored (not forwarded; a neighbour that keeps flooding takes a behaviour penalty); a
 * message on a topic that is not a live topic, that does not decode, is too large, or that its
 * runtime's judge refuses is rejected, which scores its sender down (P4).
 * See docs/PROTOCOL.md#live-updates.
 * @module
 */
import { TopicValidatorResult, type GossipSub, type TopicValidatorFn } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { decodeLiveMessage, liveTopicKey } from '../../core/records/index.ts'
import type { LiveMessageType } from '../../core/records/index.ts'
import { LIVE_SOURCE_BURST, LIVE_SOURCE_MESSAGES_PER_SECOND } from './constants.ts'
import { PeerRate, type PeerRateInit } from './peer-rate.ts'

/** What a judge says of one message: deliver and forward, drop quietly, or drop and score down. */
export type LiveVerdict = 'accept' | 'ignore' | 'reject'

/** What a judge says, and why (a short reason for metrics and logs). */
export interface LiveJudgement {
  verdict: LiveVerdict
  reason: string
}

/**
 * How a runtime judges the record or revocation a live message carries (the relay against its
 * store and trust files, a peer against its cache). `key` is the DHT key of the topic's site.
 */
export interface LiveJudge {
  judge(
    type: LiveMessageType,
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement>
}

/** What `liveValidator` takes besides the judge. */
export interface LiveValidatorInit {
  /** The neighbour rate limit. */
  rate?: PeerRateInit
  /**
   * The source address block of a neighbour (relays): all neighbours of one block share
   * `sourceRate`. @default none: only the per-neighbour rate applies
   */
  sourceOf?: (peer: PeerId) => string
  /**
   * The rate limit per source block.
   * @default LIVE_SOURCE_MESSAGES_PER_SECOND, burst LIVE_SOURCE_BURST
   */
  sourceRate?: PeerRateInit
  /**
   * A neighbour (peer ID string) kept sending over its rate (`LIVE_OVER_RATE_PENALTY_EVERY`
   * refusals): score it down (`penalizeOverRate`).
   */
  onOverRate?: (peer: string) => void
  /** Told of every judgement (metrics, logs, tests). */
  onJudged?(judgement: LiveJudgement, from: PeerId, topic: string): void
}

const VERDICTS: Record<LiveVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
}

/** The validator of every topic: live topics through `judge`, any other topic rejected. */
export function liveValidator(judge: LiveJudge, init: LiveValidatorInit = {}): TopicValidatorFn {
  const rate = new PeerRate({ onPenalty: init.onOverRate, ...init.rate })
  const sourceRate = new PeerRate({
    perSecond: LIVE_SOURCE_MESSAGES_PER_SECOND,
    burst: LIVE_SOURCE_BURST,
    ...init.sourceRate,
  })
  const judged = async (from: PeerId, topic: string, data: Uint8Array): Promise<LiveJudgement> => {
    if (!rate.take(from.toString())) return { verdict: 'ignore', reason: 'rate' }
    // Checked after the neighbour's own rate: a flooder over it spends nothing of its block's.
    if (init.sourceOf !== undefined && !sourceRate.take(init.sourceOf(from)))
      return { verdict: 'ignore', reason: 'source-rate' }
    const key = liveTopicKey(topic)
    if (key === undefined) return { verdict: 'reject', reason: 'not-a-live-topic' }
    let type: LiveMessageType
    let bytes: Uint8Array
    try {
      ;({ t: type, v: bytes } = decodeLiveMessage(data))
    } catch (err) {
      return {
        verdict: 'reject',
        reason: (err as Error).name === 'RecordTooLargeError' ? 'oversized' : 'malformed',
      }
    }
    try {
      return await judge.judge(type, bytes, key, from)
    } catch {
      return { verdict: 'ignore', reason: 'error' }
    }
  }
  return async (from, message) => {
    const judgement = await judged(from, message.topic, message.data)
    init.onJudged?.(judgement, from, message.topic)
    return VERDICTS[judgement.verdict]
  }
}

/** A validator table that answers for every topic, so no message is forwarded unjudged. */
class EveryTopic extends Map<string, TopicValidatorFn> {
  private readonly fn: TopicValidatorFn
  constructor(fn: TopicValidatorFn) {
    super()
    this.fn = fn
  }
  override get(): TopicValidatorFn {
    return this.fn
  }
  override has(): boolean {
    return true
  }
}

/** Makes `validator` judge every message `gossip` receives, whatever its topic. */
export function judgeEveryTopic(gossip: GossipSub, validator: TopicValidatorFn): void {
  gossip.topicValidators = new EveryTopic(validator)
}
