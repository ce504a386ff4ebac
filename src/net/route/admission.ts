/**
 * Which requests a route server takes on: a cap across all peers, one per peer ID, one per
 * remote address group (peer IDs are free to make, addresses are not), and a share of the
 * slots kept for newcomers, so that peers holding many slots cannot take the last ones.
 * See docs/PROTOCOL.md, "Limits".
 * @module
 */
import { reply, type Reply } from './answer.ts'

/** The limits `createAdmission` applies. */
export interface AdmissionLimits {
  maxTotal: number
  maxPerPeer: number
  maxPerAddress: number
  /** Slots, out of `maxTotal`, only a group holding fewer than `maxPerPeer` may take. */
  reserved: number
}

/** A slot taken: give it back once the response is over. */
export interface Ticket {
  release(): void
}

/** Counts requests in progress and refuses those over a limit. */
export interface Admission {
  /**
   * A slot for a request from `peer` in address `group` (`undefined` when the address tells
   * nothing: the peer is its own group), or the reply that refuses it: 503 `busy`, 429
   * `too-many-streams` (per peer) or 429 `too-many-streams-from-address`.
   */
  admit(peer: string, group: string | undefined): Ticket | Reply
  /** Requests in progress now. */
  readonly active: number
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by
  if (next <= 0) counts.delete(key)
  else counts.set(key, next)
}

/** Creates the admission counters of one route server. */
export function createAdmission(limits: AdmissionLimits): Admission {
  const perPeer = new Map<string, number>()
  const perGroup = new Map<string, number>()
  let active = 0
  return {
    admit(peer, group) {
      const peerCount = perPeer.get(peer) ?? 0
      const groupCount = group === undefined ? peerCount : (perGroup.get(group) ?? 0)
      if (active >= limits.maxTotal) return reply(503, 'busy')
      if (peerCount >= limits.maxPerPeer) return reply(429, 'too-many-streams')
      if (group !== undefined && groupCount >= limits.maxPerAddress)
        return reply(429, 'too-many-streams-from-address')
      // The last slots go to groups that hold less than one peer's share.
      if (active >= limits.maxTotal - limits.reserved && groupCount >= limits.maxPerPeer)
        return reply(503, 'busy')
      active++
      increment(perPeer, peer, 1)
      if (group !== undefined) increment(perGroup, group, 1)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          active--
          increment(perPeer, peer, -1)
          if (group !== undefined) increment(perGroup, group, -1)
        },
      }
    },
    get active() {
      return active
    },
  }
}
