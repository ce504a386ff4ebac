/**
 * Limits of the relay's live updates. See docs/PROTOCOL.md#live-updates.
 * @module
 */

import { LIVE_TOPIC_CHARGE_BYTES } from '@alternet/net/live'

/**
 * Topics (sites) a relay follows for its neighbours at most: each costs a mesh entry and a
 * subscription line to every other relay. Beyond it, new sites' visitors still get their
 * updates from the DHT when they resolve again.
 */
export const MAX_LIVE_TOPICS = 10_000

/**
 * Topics a relay follows for one neighbour at most (`LiveFollows`): a person has a few sites
 * open, and a Node peer hosting more can reach several relays. GossipSub lets a neighbour
 * subscribe to as many topics as another relay follows (`RELAY_TOPIC_BUDGET_BYTES`), so without
 * this one visitor could take all of `MAX_LIVE_TOPICS`.
 */
export const MAX_LIVE_TOPICS_PER_PEER = 256

/**
 * Topics a relay follows for the neighbours of one source address block together: fresh peer
 * IDs cost nothing, an address block does. A tenth of `MAX_LIVE_TOPICS`, so ten blocks are
 * needed to fill it, with room for a household or a campus behind one address.
 */
export const MAX_LIVE_TOPICS_PER_SOURCE = 1_000

/**
 * Topics of its mirrored sites a relay follows at most, besides `MAX_LIVE_TOPICS`. A mirrored
 * site beyond it learns of new versions at the mirror's next DHT scan, as before.
 */
export const MAX_MIRRORED_TOPICS = 5_000

/** Topics a relay follows at most, its neighbours' and its mirror's together. */
export const MAX_RELAY_TOPICS = MAX_LIVE_TOPICS + MAX_MIRRORED_TOPICS

/**
 * What one neighbour's subscriptions may cost a relay in GossipSub's count
 * (`LIVE_TOPIC_CHARGE_BYTES` a topic): room for every topic another relay may follow
 * (`MAX_RELAY_TOPICS`), about 15.6 MiB. Derived from the caps, so a relay always takes all of a
 * neighbour relay's subscriptions: were it smaller, the topics past it would silently get no
 * messages from this relay. GossipSub has one budget for every neighbour, so a browser may
 * subscribe as much; the caps are kept this low so that this bound stays what it was.
 */
export const RELAY_TOPIC_BUDGET_BYTES = MAX_RELAY_TOPICS * LIVE_TOPIC_CHARGE_BYTES

/**
 * How long a neighbour cut off for flooding live updates (`LiveCutOff`) is refused, in ms:
 * as long as GossipSub remembers the score of a neighbour that left (`retainScore`), so a
 * flooder gains nothing by waiting for its score to be forgotten.
 */
export const LIVE_CUT_OFF_MS = 10 * 60_000

/** Cut-off neighbours (and source blocks) remembered at once; the earliest is forgotten first. */
export const LIVE_CUT_OFF_KEYS = 4096

/**
 * Neighbours of one source address block cut off within `LIVE_SOURCE_CUT_OFF_MS` after which new
 * connections from the block are refused: fresh peer IDs cost nothing, so a flooder cut off
 * would otherwise come straight back. Three leave room for one honest mistake next to a
 * flooder.
 */
export const LIVE_SOURCE_STRIKES = 3

/**
 * How long new connections from a block with `LIVE_SOURCE_STRIKES` cut-offs are refused (and
 * the window the cut-offs count in), in ms. Short, since honest peers behind the same address
 * (a household, a campus NAT) are refused too; they can use other relays meanwhile. A block
 * refused again within `LIVE_CUT_OFF_MS` of its last refusal is refused twice as long as the
 * last time, up to `LIVE_CUT_OFF_MS`.
 */
export const LIVE_SOURCE_CUT_OFF_MS = 60_000

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
