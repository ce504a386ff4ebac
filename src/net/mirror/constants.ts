/**
 * Constants of site mirrors as visitors and publishers see them. See docs/PROTOCOL.md, "Mirrors".
 * @module
 */

/** The libp2p protocol a mirror answers status questions on ("do you hold this site?"). See "Mirror status". */
export const MIRROR_PROTOCOL = '/an/mirror/1.0.0'

/** Longest a status question to a mirror may take. */
export const MIRROR_STATUS_TIMEOUT_MS = 5_000

/** Largest status message, each way. */
export const MAX_MIRROR_STATUS_BYTES = 4096

/** Longest a visitor looks in the DHT for mirrors (provider records of the content root) when no connected relay mirrors the site. */
export const DEFAULT_MIRROR_LOOKUP_TIMEOUT_MS = 4_000

/** Mirrors a visitor asks at most for one site. */
export const MAX_MIRRORS_ASKED = 8
