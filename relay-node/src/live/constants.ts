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
 * Topics of its mirrored sites a relay follows at most, besides `MAX_LIVE_TOPICS`: each costs a
 * subscription line to every neighbour relay (GossipSub counts ~1 KiB a topic, so 10 000 stay
 * within a neighbour's `RELAY_TOPIC_BUDGET_BYTES`). A mirrored site beyond it learns of new
 * versions at the mirror's next DHT scan, as before.
 */
export const MAX_MIRRORED_TOPICS = 10_000

/**
 * What one neighbour's subscriptions may cost a relay (~1 KiB a topic in GossipSub's count):
 * about 16 000 topics, room for another relay's followed sites.
 */
export const RELAY_TOPIC_BUDGET_BYTES = 16 * 1024 * 1024

/** How often topics no non-relay neighbour wants are left, in ms. */
export const LIVE_SWEEP_INTERVAL_MS = 60_000

/** How long the DHT look-up on following a new topic may take, in ms. */
export const LIVE_CATCH_UP_TIMEOUT_MS = 10_000

/**
 * The relay's mesh degrees: aim for 64 mesh peers per topic, graft up to that when under 32,
 * prune only above 4096. A relay is the hub of its clients: every client subscribed through it
 * must stay in its mesh, or the client gets a message only when gossip happens to offer it
 * (measured: with 20 clients on a relay and GossipSub's default 12, about one in twenty missed a
 * version for more than 10 s). Each message then costs the relay one send per subscriber, which
 * is what those subscribers need anyway.
 */
export const RELAY_MESH = { D: 64, Dlo: 32, Dhi: 4096 }
