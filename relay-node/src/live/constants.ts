/**
 * Limits of the relay's live updates. See docs/PROTOCOL.md#live-updates.
 * @module
 */

/**
 * Topics (sites) a relay follows for its neighbours at most: each costs a mesh entry and a
 * subscription line to every other relay. Beyond it, new sites' visitors still get their
 * updates from the DHT when they resolve again.
 */
export const MAX_LIVE_TOPICS = 50_000

/**
 * What one neighbour's subscriptions may cost a relay (~1 KiB a topic in GossipSub's count):
 * about 16 000 topics, room for another relay's followed sites.
 */
export const RELAY_TOPIC_BUDGET_BYTES = 16 * 1024 * 1024

/** How often topics no non-relay neighbour wants are left, in ms. */
export const LIVE_SWEEP_INTERVAL_MS = 60_000

/** How long the DHT look-up on following a new topic may take, in ms. */
export const LIVE_CATCH_UP_TIMEOUT_MS = 10_000
