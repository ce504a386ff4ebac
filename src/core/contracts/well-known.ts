/**
 * The relay's well-known document (`/.well-known/alternet.json`): what the relay writes and what
 * the browser peer reads, with the one parser both trust.
 * @module
 */

/** The well-known document that points the app at a relay, and tells it the relay's trust settings. */
export interface WellKnown {
  /** The relay's peer ID. */
  peerId: string
  /** The relay's multiaddrs, as text. */
  multiaddrs: string[]
  /** Registrar public keys (64 hex digits) the relay trusts; empty in an open network. */
  trustedRegistrars: string[]
  /** Revoker public keys (64 hex digits) whose revocations the relay honours. */
  trustedRevokers: string[]
}

/** A 32-byte Ed25519 public key in hex. */
const HEX_KEY = /^[0-9a-fA-F]{64}$/

/** The hex keys of a list, lowercased; anything else is skipped. */
function hexKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value
    .filter((k): k is string => typeof k === 'string' && HEX_KEY.test(k))
    .map((k) => k.toLowerCase())
}

/**
 * Reads a well-known document from parsed JSON: `undefined` when it is not one (no `peerId`
 * string or no `multiaddrs` array). Entries that cannot be read (a multiaddr that is not text, a
 * key that is not 64 hex digits) are skipped, so one bad entry does not spoil the others.
 */
export function parseWellKnown(json: unknown): WellKnown | undefined {
  if (typeof json !== 'object' || json === null) return undefined
  const doc = json as Record<string, unknown>
  if (typeof doc.peerId !== 'string' || !Array.isArray(doc.multiaddrs)) return undefined
  return {
    peerId: doc.peerId,
    multiaddrs: doc.multiaddrs.filter((a): a is string => typeof a === 'string'),
    trustedRegistrars: hexKeys(doc.trustedRegistrars),
    trustedRevokers: hexKeys(doc.trustedRevokers),
  }
}
