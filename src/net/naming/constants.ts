/**
 * Settings of the naming service: local choices, not wire protocol (that is in
 * docs/PROTOCOL.md).
 * @module
 */

/** Most CNAME records one resolve follows before giving up with `CnameLoopError`. */
export const MAX_CNAME_DEPTH = 8
/** How long one DHT lookup may take, in ms. */
export const DHT_GET_TIMEOUT_MS = 20_000
/** How long one DHT put may take, in ms. */
export const DHT_PUT_TIMEOUT_MS = 30_000
/** Own records are signed and put again this long after the last put (records live 48 h). */
export const REPUBLISH_INTERVAL_MS = 24 * 60 * 60 * 1000
/** How often the republisher checks whether a record is due. */
export const REPUBLISH_CHECK_INTERVAL_MS = 60 * 60 * 1000
/** Quiet time after the node's addresses change before records are re-signed with them, in ms. */
export const ADDRESS_CHANGE_SETTLE_MS = 1_500
/** Web Lock name prefix: one tab per store republishes (the store name follows it). */
export const REPUBLISH_LOCK_PREFIX = 'alternet-republish:'
/** How long asking a relay whether a name is revoked may take, in ms; no answer counts as none. */
export const REVOCATION_CHECK_TIMEOUT_MS = 4_000
/** Wait before asking a relay again whether a name is revoked, after it answered with an error, in ms. */
export const REVOCATION_CHECK_RETRY_MS = 250
/** Most relays asked at once whether a name is revoked. */
export const REVOCATION_CHECK_RELAYS = 3
