/**
 * `RelayManager`: keeps the browser node connected to its relays and holding circuit relay v2
 * reservations on enough of them, so other browsers can reach it (`/p2p-circuit`, `/webrtc`).
 *
 * Every known relay is dialed and kept connected; a relay that fails or goes away is dialed
 * again with exponential back-off (a URL's well-known document is fetched again each time, so a
 * relay that moved or renewed its certificate is found). Reservations are asked for explicitly,
 * one relay at a time, up to `reservations`: when a reserved relay dies the reservation moves
 * at once to another connected relay. libp2p's own relay discovery is not used: with fewer
 * relays than wanted reservations it searches the DHT in a loop.
 *
 * A relay that went away or failed its dial is down: `deniesDial` says so, and the node's
 * connection gater refuses every other dial of it (DHT queries above all: live relays keep
 * naming a dead one as a closer peer, and a dial of its WebRTC-Direct port hangs until kad-dht
 * gives up, seconds per put or lookup). Only the manager's own redials pass, with back-off, and
 * for a URL only once its well-known document answers again; the first connection lifts it.
 *
 * It is a libp2p service (`relayManager(init)` in `createLibp2p({ services })`): it works
 * through the components libp2p gives it (connections, the peer store, the transport manager,
 * the node's events) and needs the circuit relay transport. Its parts: the relays kept connected
 * (`relay-connections.ts`), one dial of a relay (`relay-dial.ts`), the reservations (`relay-reservations.ts`), whose keys count
 * (`relay-trust.ts`), the status (`relay-status.ts`) and the types (`relay-manager-types.ts`).
 * @module
 */
import { serviceCapabilities, serviceDependencies, type PeerId } from '@libp2p/interface'
import { DEFAULT_RESERVATIONS } from './constants.ts'
import { RelayConnections } from './relay-connections.ts'
import { firstConnected } from './relay-dial.ts'
import type {
  RelayManagerComponents,
  RelayManagerInit,
  RelayStatus,
  RevokerTrust,
} from './relay-manager-types.ts'
import { RelayReservations } from './relay-reservations.ts'
import { relayStatus, waitForStatus } from './relay-status.ts'
import { RelayTrust, unionOf } from './relay-trust.ts'

export type {
  RelayInfo,
  RelayManagerComponents,
  RelayManagerInit,
  RelayStatus,
  RevokerTrust,
} from './relay-manager-types.ts'

/**
 * Keeps the node connected to relays and holding reservations; emits `status` (a
 * `CustomEvent<RelayStatus>`) whenever the status changes.
 *
 * @example
 * ```ts
 * const { libp2p, relays } = await createBrowserNode({ privateKey, relays: [location.origin] })
 * relays.addEventListener('status', (e) => render((e as CustomEvent<RelayStatus>).detail))
 * await relays.add('https://relay.example.org')
 * ```
 */
export class RelayManager extends EventTarget {
  readonly [Symbol.toStringTag] = '@alternet/relay-manager'
  readonly [serviceCapabilities]: string[] = ['@alternet/relay-manager']
  readonly [serviceDependencies]: string[] = ['@libp2p/circuit-relay-v2-transport']
  private readonly components: RelayManagerComponents
  private readonly controller = new AbortController()
  private readonly relays: RelayConnections
  private readonly reservations: RelayReservations
  private readonly trust: RelayTrust
  private listening = false
  private firstContact: Promise<void> = Promise.resolve()
  private lastStatus = ''
  private readonly onChange = (): void => {
    this.reservations.reconcile()
    this.emitStatus()
  }
  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    this.relays.opened(event.detail)
    this.onChange()
  }
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    this.relays.closed(event.detail)
    this.onChange()
  }

  constructor(components: RelayManagerComponents, init: RelayManagerInit) {
    super()
    this.components = components
    this.relays = new RelayConnections(
      components,
      init.dev ?? {},
      this.controller.signal,
      this.onChange,
    )
    this.reservations = new RelayReservations(
      components,
      init.reservations ?? DEFAULT_RESERVATIONS,
      () => this.relays.states(),
      this.controller.signal,
    )
    this.trust = new RelayTrust(init.relays[0], init.revokerRelays)
    for (const source of init.relays) this.relays.track(source)
  }

  /**
   * Trust the revokers of the relays in `sources` (as configured) only; `undefined` for the
   * default, the first relay (the one that served the app). Any trusted revoker can withdraw
   * any name for this node, so a relay added for reach does not get that power by being added.
   */
  trustRevokersOf(sources: readonly string[] | undefined): void {
    this.trust.trustRevokersOf(sources)
  }

  /** Each relay's revokers and whether they are trusted here, in the order configured. */
  revokerTrust(): RevokerTrust[] {
    return this.trust.revokerTrust(this.relays.states())
  }

  /**
   * Revoker keys this node trusts: those named by the relays whose revokers it trusts
   * (`trustRevokersOf`; by default the first relay's), never every relay's.
   */
  trustedRevokers(): Uint8Array[] {
    return this.trust.trustedRevokers(this.relays.states())
  }

  /** Registrar keys any of the relays trusts (their well-known documents' `trustedRegistrars`). */
  trustedRegistrars(): Uint8Array[] {
    return unionOf([...this.relays.states()].map((s) => s.trustedRegistrars))
  }

  /** HTTP origins of the relays connected now that were configured by URL. */
  connectedRelayUrls(): string[] {
    return [...this.relays.states()]
      .filter((s) => s.http !== undefined && this.relays.connected(s))
      .map((s) => s.http!)
  }

  /**
   * The relays connected now whose revokers this node trusts (`revokerTrust`; by default the
   * first, which served the app): a name's record is asked of them first (`relay-first.ts`).
   */
  trustedRelayPeers(): PeerId[] {
    const trusted = this.trust.trustedSources(this.relays.states())
    return [...this.relays.states()]
      .filter((s) => trusted.has(s.source) && this.relays.connected(s))
      .map((s) => s.peerId!)
  }

  /** Listens to the node's events (libp2p calls it as the node starts). */
  start(): void {
    if (this.listening) return
    this.listening = true
    const { events } = this.components
    events.addEventListener('peer:connect', this.onConnect)
    events.addEventListener('peer:disconnect', this.onDisconnect)
    events.addEventListener('self:peer:update', this.onChange)
    events.addEventListener('transport:listening', this.onChange)
    events.addEventListener('transport:close', this.onChange)
  }

  /** Starts dialing every relay, once the node's transports run (libp2p calls it). */
  afterStart(): void {
    const attempts = [...this.relays.states()].map((state) => this.relays.connect(state))
    this.firstContact = firstConnected(attempts)
  }

  /** Resolves once a relay is connected or every first dial failed (after the node started). */
  ready(): Promise<void> {
    return this.firstContact
  }

  /**
   * Whether a dial of `peerId` is to be refused: it is a relay that is down, and this is not the
   * manager's own redial. The node's connection gater asks this (`denyDialPeer`).
   */
  deniesDial(peerId: PeerId): boolean {
    return this.relays.deniesDial(peerId)
  }

  /** The current status. */
  status(): RelayStatus {
    return relayStatus(this.relays.states(), this.components, this.reservations)
  }

  /**
   * Adds a relay (URL or multiaddr) and dials it. Resolves once connected; rejects with the
   * first dial's error, and the relay stays on the list and is dialed again with back-off.
   * Throws `InvalidRelayError` for an entry that is neither.
   */
  async add(relay: string): Promise<void> {
    const state = this.relays.get(relay) ?? this.relays.track(relay)
    if (this.relays.connected(state)) return
    if (!(await this.relays.connect(state))) throw state.lastError ?? new Error(state.error)
  }

  /**
   * Dials every relay that is not connected now, without waiting for its back-off (the network
   * came back, or the person asked to retry); the back-off starts over. Resolves to whether a
   * relay is connected once these dials ended.
   */
  async reconnect(): Promise<boolean> {
    if (this.controller.signal.aborted) return false
    await this.relays.reconnect()
    return this.status().relays.some((relay) => relay.connected)
  }

  /** Forgets a relay: no more dials, its tag removed, its connection closed. */
  async remove(relay: string): Promise<void> {
    await this.relays.remove(relay)
  }

  /**
   * Resolves once `test` holds for the status (at once if it holds now). Rejects when `signal`
   * aborts.
   */
  waitFor(
    test: (status: RelayStatus) => boolean,
    options: { signal?: AbortSignal } = {},
  ): Promise<RelayStatus> {
    return waitForStatus(this, () => this.status(), test, options)
  }

  /** Stops dialing and reserving; open connections stay until libp2p stops. Idempotent. */
  stop(): void {
    this.controller.abort()
    this.reservations.stop()
    this.relays.stop()
    this.listening = false
    const { events } = this.components
    events.removeEventListener('peer:connect', this.onConnect)
    events.removeEventListener('peer:disconnect', this.onDisconnect)
    events.removeEventListener('self:peer:update', this.onChange)
    events.removeEventListener('transport:listening', this.onChange)
    events.removeEventListener('transport:close', this.onChange)
  }

  private emitStatus(): void {
    const status = this.status()
    const text = JSON.stringify(status)
    if (text === this.lastStatus) return
    this.lastStatus = text
    this.dispatchEvent(new CustomEvent('status', { detail: status }))
  }
}

/**
 * The relay manager as a libp2p service, for `createLibp2p({ services: { relays: relayManager(init) } })`.
 * @example
 * ```ts
 * const libp2p = await createLibp2p({ transports: [circuitRelayTransport(), ...], services: {
 *   relays: relayManager({ relays: [location.origin] }) } })
 * await libp2p.services.relays.ready()
 * ```
 */
export function relayManager(
  init: RelayManagerInit,
): (components: RelayManagerComponents) => RelayManager {
  return (components) => new RelayManager(components, init)
}
