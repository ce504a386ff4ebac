/**
 * Who holds a name among the servers that should hold it, counting the servers that hold
 * nothing: the record policy's check of a root name the relay does not hold (record-policy.ts).
 * Only the `K` answering servers closest to the name's DHT key count (the ones a put of the name
 * reaches), so the many far servers a look-up passes through cannot dilute its holders; each
 * address block casts one vote, for a holder or for "holds none". A rival held only by Sybils of
 * few blocks is outvoted by the honest servers that hold no record of a brand-new name, and a
 * name the honest servers hold keeps their votes. See docs/PROTOCOL.md ("The name DHT").
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { countHolderVotes, type HolderAnswer } from '@alternet/core/records'

/** kad-dht's bucket size: the servers a put of a name reaches. */
export const CLOSEST_SERVERS = 20

/** The holder text a server holding no record of the name votes for (never a key's hex). */
export const HOLDS_NONE = 'none'

/** A server that answered a look-up; `holder` is `HOLDS_NONE` when it holds no valid record. */
export type SurveyAnswer = HolderAnswer

/** How the closest servers' blocks voted: per holder (hex), and for `HOLDS_NONE`. */
export interface AbsentVotes {
  votes(holder: string): number
  /** Blocks whose closest servers hold no record of the name. */
  readonly absent: number
}

/** Leading-byte XOR distance of two equal-length IDs, compared as big-endian numbers. */
function closer(a: Uint8Array, b: Uint8Array, target: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const d = (a[i] ^ target[i]) - (b[i] ^ target[i])
    if (d !== 0) return d
  }
  return 0
}

/** A server's kad-dht ID (SHA-256 of its peer ID's multihash); undefined when `server` is no peer ID. */
function kadId(server: string): Uint8Array | undefined {
  try {
    return sha256(peerIdFromString(server).toMultihash().bytes)
  } catch {
    return undefined
  }
}

/**
 * Counts the votes of the `CLOSEST_SERVERS` answering servers closest to `dhtKey` (servers whose
 * ID cannot be read come last), one per address block, holders and `HOLDS_NONE` alike.
 */
export function countAbsentVotes(dhtKey: Uint8Array, answers: SurveyAnswer[]): AbsentVotes {
  const target = sha256(dhtKey)
  const ids = new Map<string, Uint8Array | undefined>()
  for (const a of answers) if (!ids.has(a.server)) ids.set(a.server, kadId(a.server))
  const ranked = [...ids].sort(([, a], [, b]) =>
    a === undefined ? (b === undefined ? 0 : 1) : b === undefined ? -1 : closer(a, b, target),
  )
  const closest = new Set(ranked.slice(0, CLOSEST_SERVERS).map(([server]) => server))
  const { counts } = countHolderVotes(answers.filter((a) => closest.has(a.server)))
  const byHolder = new Map(counts.map((c) => [c.holder, c.votes]))
  return {
    votes: (holder) => byHolder.get(holder) ?? 0,
    absent: byHolder.get(HOLDS_NONE) ?? 0,
  }
}
