/**
 * `liveGossip`: the GossipSub service of every Alternet node (relay, browser peer, Node peer)
 * with the settings of docs/PROTOCOL.md#live-updates: unsigned messages (records and
 * revocations carry their own signatures; a message id is the SHA-256 of its bytes, so the same
 * record sent by two peers is one message), no floodsub, bounded frames and subscriptions, peer
 * scoring on every live topic, and every message judged: until a runtime sets its judge
 * (`judgeEveryTopic`), live messages are ignored and any other topic rejected.
 * @module
 */
import { gossipsub, type GossipSub, type GossipSubComponents } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import { LIVE_TOPIC_PREFIX } from '../../core/records/index.ts'
import {
  LIVE_PEER_SCORE,
  LIVE_SCORE_THRESHOLDS,
  LIVE_SEEN_TTL_MS,
  LIVE_TOPIC_SCORE,
  MAX_LIVE_RPC_BYTES,
  PEER_TOPIC_BUDGET_BYTES,
} from './constants.ts'
import { judgeEveryTopic, liveValidator } from './live-validator.ts'

/** Settings of `liveGossip`. */
export interface LiveGossipInit {
  /** What one neighbour's subscriptions may cost (~1 KiB a topic). @default PEER_TOPIC_BUDGET_BYTES */
  topicBudgetBytes?: number
  /** Forward messages of topics this node is not subscribed to (relays). @default false */
  relayUnsubscribed?: boolean
  /**
   * Mesh degrees per topic (target, low and high water marks). @default GossipSub's 6, 4, 12.
   * A relay sets a high `Dhi` so every client subscribed through it stays in its mesh: a peer
   * left out of a mesh gets a message only if gossip happens to offer it (not guaranteed).
   */
  mesh?: { D: number; Dlo: number; Dhi: number }
}

/**
 * Score parameters for every live topic without listing them: GossipSub looks topics up by name
 * (`params.topics[topic]`) and sites are too many to list.
 */
function everyLiveTopic(): Record<string, TopicScoreParams> {
  return new Proxy({} as Record<string, TopicScoreParams>, {
    get: (target, topic) =>
      typeof topic === 'string' && topic.startsWith(LIVE_TOPIC_PREFIX)
        ? LIVE_TOPIC_SCORE
        : Reflect.get(target, topic),
  })
}

/**
 * The service factory for `createLibp2p({ services: { live: liveGossip() } })`.
 * @example
 * ```ts
 * const node = await createLibp2p({ ..., services: { live: liveGossip() } })
 * judgeEveryTopic(node.services.live, liveValidator(judge))
 * node.services.live.subscribe(await liveTopic('mysite:code'))
 * ```
 */
export function liveGossip(
  init: LiveGossipInit = {},
): (components: GossipSubComponents) => GossipSub {
  const factory = gossipsub({
    globalSignaturePolicy: 'StrictNoSign',
    fallbackToFloodsub: false,
    floodPublish: true,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    canRelayMessage: init.relayUnsubscribed ?? false,
    ...(init.mesh ?? {}),
    emitSelf: false,
    seenTTL: LIVE_SEEN_TTL_MS,
    maxInboundDataLength: MAX_LIVE_RPC_BYTES,
    maxTopicBytesPerPeer: init.topicBudgetBytes ?? PEER_TOPIC_BUDGET_BYTES,
    scoreParams: { ...LIVE_PEER_SCORE },
    scoreThresholds: LIVE_SCORE_THRESHOLDS,
  })
  return (components) => {
    const gossip = factory(components)
    const score = (gossip as unknown as { score: { params: { topics: object } } }).score
    score.params.topics = everyLiveTopic()
    judgeEveryTopic(
      gossip,
      liveValidator({ judge: async () => ({ verdict: 'ignore', reason: 'no-judge' }) }),
    )
    return gossip
  }
}

/**
 * One GossipSub behaviour penalty (P7) for `peer` (a peer ID string), which kept sending live
 * messages over its rate. GossipSub counts broken promises and GRAFT floods this way and has no
 * public call for an application's own: its router's score is used directly.
 */
export function penalizeOverRate(gossip: GossipSub, peer: string): void {
  const score = (
    gossip as unknown as { score?: { addPenalty?(id: string, n: number, l: string): void } }
  ).score
  score?.addPenalty?.(peer, 1, 'over_rate')
}
