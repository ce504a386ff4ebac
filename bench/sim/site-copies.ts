/**
 * `SiteCopies`, the content scenario: every name is a mirrored site, and this tracks which
 * servers hold a whole copy of it as servers come and go. Where a copy goes is decided by the
 * relay's own placement rule (`closestPeers`, relay-node/src/mirror/placement.ts: the R live
 * relays closest to the site's DHT key, R the relay's default); what the relay's mirror does
 * around that rule is followed here, not its transfers:
 * - a publication reaches one relay (the publisher's), which keeps it until it has handed it on
 *   to the placed relays;
 * - when a mirror leaves, the others' scans run at once (its connection closed), and a relay
 *   that is now placed pulls the site from a relay still holding it;
 * - a relay no longer placed drops its copy once a placed relay holds one;
 * - a Sybil placed as a mirror says it holds the site and keeps nothing (the worst case).
 * A site is complete while one live server holds a whole copy; once none does, no pull can
 * bring it back.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { DEFAULT_MIRROR_REPLICAS } from '../../relay-node/src/mirror/constants.ts'
import { closestPeers } from '../../relay-node/src/mirror/placement.ts'

/** A live server as a mirror. */
export interface SimMirror {
  peerId: PeerId
  /** Whether it keeps what it is given (honest) or drops it (Sybil). */
  keeps: boolean
}

/** What the content scenario ends with. */
export interface SiteCopiesResult {
  sites: number
  /** Sites some live server holds whole. */
  complete: number
  /** Copies pulled by a relay that became placed (after a mirror left or a server joined). */
  pulls: number
  /** Fewest live honest copies of any site at the end. */
  fewestCopies: number
}

/** Which servers hold each site, under the relay's placement rule. */
export class SiteCopies {
  private readonly holders = new Map<Uint8Array, Set<string>>()
  private pulls = 0

  private readonly replicas: number

  constructor(replicas = DEFAULT_MIRROR_REPLICAS) {
    this.replicas = replicas
  }

  /** A site published through `via` (a peer ID): it holds it, then hands it on to the placed mirrors. */
  publish(key: Uint8Array, via: string, live: readonly SimMirror[]): void {
    if (this.holders.has(key)) return
    this.holders.set(key, new Set([via]))
    this.settle(key, live)
  }

  /** `id` (a peer ID) left: its copies are gone, and the next closest relays pull theirs. */
  leave(id: string, live: readonly SimMirror[]): void {
    for (const [key, held] of this.holders) if (held.delete(id)) this.settle(key, live)
  }

  /** Every site's placement looked at again (after servers joined). */
  settleAll(live: readonly SimMirror[]): void {
    for (const key of this.holders.keys()) this.settle(key, live)
  }

  /** The scenario's figures. */
  result(live: readonly SimMirror[]): SiteCopiesResult {
    const honest = new Set(live.filter((m) => m.keeps).map((m) => m.peerId.toString()))
    const copies = [...this.holders.values()].map(
      (held) => [...held].filter((id) => honest.has(id)).length,
    )
    return {
      sites: this.holders.size,
      complete: copies.filter((n) => n > 0).length,
      pulls: this.pulls,
      fewestCopies: copies.length === 0 ? 0 : Math.min(...copies),
    }
  }

  /** Placed honest mirrors pull from a holder; holders no longer placed drop once handed on. */
  private settle(key: Uint8Array, live: readonly SimMirror[]): void {
    const held = this.holders.get(key)!
    if (held.size === 0) return
    const placed = closestPeers(
      key,
      live.map((m) => m.peerId),
    ).slice(0, this.replicas)
    const keeps = new Set(live.filter((m) => m.keeps).map((m) => m.peerId.toString()))
    let handedOn = false
    for (const peer of placed) {
      const id = peer.toString()
      if (!keeps.has(id)) continue
      if (!held.has(id)) {
        held.add(id)
        this.pulls++
      }
      handedOn = true
    }
    if (!handedOn) return
    const placedIds = new Set(placed.map((p) => p.toString()))
    for (const id of held) if (!placedIds.has(id)) held.delete(id)
  }
}
