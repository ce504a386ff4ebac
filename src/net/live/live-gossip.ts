/**
 * `liveGossip`: the GossipSub service of every Alternet node (relay, browser peer, Node peer)
 * with the settings of docs/PROTOCOL.md#live-updates: unsigned messages (records and
 * revocations carry their own signatures; a message id is the SHA-256 of its bytes, so the same
 * record sent by two peers is one message), no floodsub, bounded frames and subscriptions, peer
 * scoring on every live topic, subscriptions sent in frames a neighbour reads, and every message
 * judged: until a runtime sets its judge
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
  LIVE_SUBSCRIPTION_FRAME_BYTES,
  LIVE_SUBSCRIPTION_FRAMING_BYTES,
  LIVE_TOPIC_SCORE,
  MAX_LIVE_RPC_BYTES,
  PEER_TOPIC_BUDGET_BYTES,
} from './constants.ts'
import { judgeEveryTopic, liveValidator } from './live-validator.ts'
import { readInTurn } from './read-in-turn.ts'

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
  /**
   * Handle each neighbour's frames in turn, each judged before its next is read, and pause a
   * neighbour's stream while `LIVE_READ_AHEAD_BYTES` of it wait (`readInTurn`): a flooder then
   * waits on its own stream instead of queueing ahead of everyone (relays). @default false
   */
  readInTurn?: boolean
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
 * Splits the subscriptions GossipSub sends at once (all of a node's topics, to each new
 * neighbour) into frames of at most `LIVE_SUBSCRIPTION_FRAME_BYTES`: in one frame, a relay
 * following more than ~900 topics would exceed `MAX_LIVE_RPC_BYTES`, and every new neighbour
 * would drop its stream and never hear what it follows. GossipSub has no setting for it: its
 * router's method is wrapped.
 */
function subscriptionsInFrames(gossip: GossipSub): void {
  type Send = (to: string, topics: string[], subscribe: boolean) => void
  const router = gossip as unknown as { sendSubscriptions: Send }
  const send = router.sendSubscriptions.bind(gossip)
  router.sendSubscriptions = (to, topics, subscribe) => {
    let frame: string[] = []
    let bytes = 0
    for (const topic of topics) {
      const size = topic.length + LIVE_SUBSCRIPTION_FRAMING_BYTES
      if (frame.length > 0 && bytes + size > LIVE_SUBSCRIPTION_FRAME_BYTES) {
        send(to, frame, subscribe)
        frame = []
        bytes = 0
      }
      frame.push(topic)
      bytes += size
    }
    if (frame.length > 0) send(to, frame, subscribe)
  }
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
    awaitRpcHandler: init.readInTurn ?? false,
    awaitRpcMessageHandler: init.readInTurn ?? false,
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
    subscriptionsInFrames(gossip)
    if (init.readInTurn === true) readInTurn(gossip)
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
