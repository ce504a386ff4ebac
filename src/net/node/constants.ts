/**
 * Settings of the browser node and its relay management. The protocol ids are part of the
 * wire protocol (docs/PROTOCOL.md); the rest are local choices.
 * @module
 */

// The kad-dht protocol id and the well-known document's path are contracts with the relay.
export { DHT_PROTOCOL, WELL_KNOWN_PATH } from '../../core/contracts/index.ts'
/** Relay reservations the node keeps when that many relays are known. */
export const DEFAULT_RESERVATIONS = 2
/** How long fetching a relay's well-known document may take, in ms. */
export const WELL_KNOWN_TIMEOUT_MS = 5_000
/** How long one dial to a relay may take, in ms. */
export const RELAY_DIAL_TIMEOUT_MS = 10_000
/** First wait before dialing a relay again after it failed or went away, in ms. */
export const RECONNECT_MIN_MS = 1_000
/** Longest wait between two dials of one relay, in ms. */
export const RECONNECT_MAX_MS = 60_000
/** Growth of the wait after each failed dial. */
export const RECONNECT_FACTOR = 2
/** Random spread of each wait, as a fraction of it (so many browsers do not redial in step). */
export const RECONNECT_JITTER = 0.2
/**
 * kad-dht's first self-query delay, in ms. Every query waits for it (docs/ARCHITECTURE.md, "A
 * fresh DHT node holds its first queries": a cold resolve cost ~800 ms with the default 1 s); 0
 * runs it as soon as a DHT server is known.
 */
export const INITIAL_QUERY_SELF_INTERVAL_MS = 0
/** Peer-store tag that keeps relay connections from being pruned. */
export const RELAY_TAG = 'alternet-relay'
/** Value of `RELAY_TAG` (0-100; higher is kept longer). */
export const RELAY_TAG_VALUE = 100
