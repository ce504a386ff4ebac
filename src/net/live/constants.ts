/**
 * The settings of live updates over GossipSub, each with why. See docs/PROTOCOL.md#live-updates.
 * @module
 */
import type {
  PeerScoreParams,
  PeerScoreThresholds,
  TopicScoreParams,
} from '@libp2p/gossipsub/score'

/**
 * Largest GossipSub frame (one RPC) read from a peer, in bytes: a few live messages and their
 * control data. Anything bigger ends the stream before it is decoded.
 */
export const MAX_LIVE_RPC_BYTES = 64 * 1024

/** Length of every live topic: `/an/live/1/` and the base32 (`b` + 52 characters) of a SHA-256. */
export const LIVE_TOPIC_LENGTH = 64

/**
 * What GossipSub charges a neighbour's subscription against its topic budget besides the
 * topic's length (its `GossipsubTopicEntryOverhead`, not exported by the package).
 */
export const GOSSIPSUB_TOPIC_ENTRY_BYTES = 1024

/** What one subscription to a live topic costs in GossipSub's count of a neighbour's topics. */
export const LIVE_TOPIC_CHARGE_BYTES = LIVE_TOPIC_LENGTH + GOSSIPSUB_TOPIC_ENTRY_BYTES

/**
 * What one peer's subscriptions may cost a browser or Node peer (GossipSub counts
 * `LIVE_TOPIC_CHARGE_BYTES` a topic): about 240 topics, far more sites than a person has open or
 * hosts.
 */
export const PEER_TOPIC_BUDGET_BYTES = 256 * 1024

/**
 * Most bytes of subscriptions sent in one GossipSub frame: GossipSub sends all of a node's
 * subscriptions in one frame to each new neighbour, and a frame over `MAX_LIVE_RPC_BYTES` makes
 * the neighbour drop the stream (more than ~900 topics). Half the frame, to leave room for the
 * control data sent with it.
 */
export const LIVE_SUBSCRIPTION_FRAME_BYTES = MAX_LIVE_RPC_BYTES / 2

/**
 * Bytes of one neighbour's frames a node that reads them in turn (`readInTurn`) keeps
 * waiting unread before it pauses the neighbour's stream: two of the largest frames. Beyond it
 * the bytes wait in the sender's muxer window, not in the node's memory.
 */
export const LIVE_READ_AHEAD_BYTES = 2 * MAX_LIVE_RPC_BYTES

/** Bytes one subscription takes in a frame besides its topic (protobuf tags, lengths, flag). */
export const LIVE_SUBSCRIPTION_FRAMING_BYTES = 8

/** Live messages a peer's validator takes from one neighbour per second (sustained). */
export const LIVE_MESSAGES_PER_SECOND = 20

/** Live messages a neighbour may send at once before `LIVE_MESSAGES_PER_SECOND` applies. */
export const LIVE_MESSAGE_BURST = 60

/**
 * Live messages a relay judges per second from all the neighbours of one source address block
 * together (`sourceOf`: an IPv4 /24 or IPv6 /56 by default). Peer IDs cost nothing to make, an
 * address block does: many neighbours from one block share this, so fresh IDs cannot multiply
 * their sender's rate. Room for a few honest peers behind one address (a household, a NAT).
 */
export const LIVE_SOURCE_MESSAGES_PER_SECOND = 50

/** Live messages one source address block may send at once before its rate applies. */
export const LIVE_SOURCE_BURST = 150

/**
 * A neighbour over its rate takes one GossipSub behaviour penalty (P7) per this many messages
 * dropped for it: a neighbour that keeps flooding sinks below the gossip, publish and then
 * graylist thresholds (-10 per penalty, squared) and is not read any more, while one burst a
 * little over the limit costs nothing.
 */
export const LIVE_OVER_RATE_PENALTY_EVERY = 60

/** Neighbours whose message rate is tracked at once; the idlest is forgotten first. */
export const LIVE_RATE_KEYS = 4096

/**
 * How long after a node takes a new version of a site an older version that arrives (newer than
 * the one held before) counts as a lost race, not a replay, in ms (`RecentVersions`): ignored,
 * not rejected. A relay forwards a version once, right after judging it; judging a subdomain
 * record may wait on a root look-up of several seconds, and a loaded relay takes longer. A
 * minute leaves room for that; a replay of a version older than the one held before is rejected
 * whenever it comes.
 */
export const LIVE_RACE_MS = 60_000

/**
 * Sites whose newest version's arrival is remembered at once (`RecentVersions`); only those
 * taken within `LIVE_RACE_MS` matter, and past this the earliest is forgotten (its lost races
 * are then rejected as before).
 */
export const LIVE_RACE_KEYS = 10_000

/** How long a message id is remembered, so a copy arriving again is dropped unjudged (ms). */
export const LIVE_SEEN_TTL_MS = 5 * 60_000

/**
 * Score parameters of every live topic. Sites change rarely, so silence is normal: the
 * mesh-delivery penalties (P3, P3b) are off, since they would punish honest neighbours of quiet
 * sites. Time in mesh (P1) and first deliveries (P2) give a small bonus. An invalid message (P4:
 * forged, malformed, oversized, a replay of a version older than a lost race (`LIVE_RACE_MS`), a
 * topic that does not match) costs 100 points squared per message, which takes the sender below the graylist
 * threshold at once; the count decays by 0.3 % a second (half-life about 4 min).
 */
export const LIVE_TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 100,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.99,
  firstMessageDeliveriesCap: 5,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 1,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -100,
  invalidMessageDeliveriesDecay: 0.997,
}

/**
 * Peer score parameters besides the topics. IP colocation (P6) is off: a relay legitimately
 * carries many browsers behind one address (and every peer of a test shares loopback); live
 * messages authenticate themselves, so a crowd from one address can drop messages but never
 * forge one, and the DHT stays the source of truth. Behaviour penalties (P7: broken IWANT
 * promises, GRAFT floods during back-off) count from the first, weight -10, decaying by 1 % a
 * second.
 */
export const LIVE_PEER_SCORE: Omit<PeerScoreParams, 'topics'> = {
  topicScoreCap: 10,
  appSpecificScore: () => 0,
  appSpecificWeight: 0,
  IPColocationFactorWeight: 0,
  IPColocationFactorThreshold: 10,
  IPColocationFactorWhitelist: new Set(),
  behaviourPenaltyWeight: -10,
  behaviourPenaltyThreshold: 0,
  behaviourPenaltyDecay: 0.99,
  decayInterval: 1000,
  decayToZero: 0.01,
  retainScore: 10 * 60_000,
}

/**
 * Score thresholds: below -10 a peer gets no gossip (IHAVE/IWANT) from us, below -50 nothing we
 * publish, below -80 everything it sends is dropped unread (one invalid message is -100). Peer
 * exchange is taken only from peers above 5, opportunistic grafting needs a mesh median under 3.
 */
export const LIVE_SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 5,
  opportunisticGraftThreshold: 3,
}
