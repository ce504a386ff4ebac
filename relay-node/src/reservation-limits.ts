/**
 * Circuit relay reservations shared fairly: libp2p's server keeps one global pool, so a few
 * addresses minting fresh peer IDs could take every slot and leave browsers unreachable. The
 * connection gater's `denyInboundRelayReservation` refuses a new reservation when the peer's
 * source (its address block, see source-subnet.ts) already holds `maxPerSource`; a peer
 * refreshing its own reservation is never refused. A reservation is also dropped as soon as
 * its peer has no connection left (the relay could not reach it through the reservation
 * anyway), instead of holding its slot until the reservation's TTL runs out.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { sourceOf, type SourcePrefixes } from './source-subnet.ts'

/** How long a reservation let through by the gater counts before libp2p's pool shows it. */
const GRANT_SETTLE_MS = 5000

/** What the limiter needs from the node, once it exists. */
export interface ReservationHost {
  getConnections(peer?: PeerId): Array<{ remoteAddr: Multiaddr; limits?: unknown }>
  services: {
    relay: {
      reservations: { get(peer: PeerId): unknown; delete(peer: PeerId): unknown } & Iterable<
        [PeerId, { addr: Multiaddr }]
      >
    }
  }
  addEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void
}

/** Settings of the limiter. */
export interface ReservationLimitsInit {
  /** Reservations one source may hold at once (0 = no limit). */
  maxPerSource: number
  prefixes: SourcePrefixes
  /** Called for each refused reservation (metrics, logs). */
  refused?(peer: PeerId, source: string): void
}

/** The per-source reservation cap and the clean-up of reservations of departed peers. */
export class ReservationLimits {
  private readonly init: ReservationLimitsInit
  private host: ReservationHost | undefined
  /** Reservations let through whose entry may not be in libp2p's pool yet, by peer: their source. */
  private readonly granted = new Map<string, string>()

  constructor(init: ReservationLimitsInit) {
    this.init = init
  }

  /** Starts watching `host` (the node, once created). */
  attach(host: ReservationHost): void {
    this.host = host
    host.addEventListener('peer:disconnect', (event) => {
      host.services.relay.reservations.delete(event.detail)
    })
  }

  /** The gater hook: true refuses the reservation. */
  deny(peer: PeerId): boolean {
    const host = this.host
    if (host === undefined || this.init.maxPerSource <= 0) return false
    const reservations = host.services.relay.reservations
    if (reservations.get(peer) !== undefined) return false // a refresh
    const direct =
      host.getConnections(peer).find((c) => c.limits == null) ?? host.getConnections(peer)[0]
    const source = sourceOf(direct?.remoteAddr, this.init.prefixes)
    const counted = new Set<string>()
    for (const [id, reservation] of reservations) {
      if (sourceOf(reservation.addr, this.init.prefixes) === source) counted.add(id.toString())
    }
    // Requests in flight pass the gater before libp2p stores them: count those too.
    for (const [id, from] of this.granted) if (from === source) counted.add(id)
    if (counted.size < this.init.maxPerSource) {
      const id = peer.toString()
      this.granted.set(id, source)
      setTimeout(() => this.granted.delete(id), GRANT_SETTLE_MS).unref()
      return false
    }
    this.init.refused?.(peer, source)
    return true
  }
}
