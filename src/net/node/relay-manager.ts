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
 * the node's events) and needs the circuit relay transport. A reservation is held on a relay
 * while a circuit listener has addresses through it.
 * @module
 */
import {
  serviceCapabilities,
  serviceDependencies,
  type Connection,
  type Libp2pEvents,
  type PeerId,
  type PeerStore,
  type TypedEventTarget,
} from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { toHex } from '../../core/bytes.ts'
import {
  DEFAULT_RESERVATIONS,
  RECONNECT_FACTOR,
  RECONNECT_JITTER,
  RECONNECT_MAX_MS,
  RECONNECT_MIN_MS,
  RELAY_DIAL_TIMEOUT_MS,
  RELAY_TAG,
  RELAY_TAG_VALUE,
} from './constants.ts'
import {
  parseRelayEntry,
  resolveRelayEntry,
  type DevSettings,
  type RelayEntry,
} from './relay-addresses.ts'

/** One relay in the status. */
export interface RelayInfo {
  /** The relay's peer ID; empty until its well-known document was read. */
  peerId: string
  /** As configured: a URL or a multiaddr. */
  source: string
  /** Whether a connection to it is open. */
  connected: boolean
  /** Whether this node holds a reservation on it. */
  reserved: boolean
  /** Name of the last error dialing or reserving, while it is failing. */
  error?: string
}

/** What the node's connectivity looks like. */
export interface RelayStatus {
  relays: RelayInfo[]
  /** Peers with an open connection (relays and browsers). */
  peers: number
  /** Whether other peers can reach this node: it has a `/p2p-circuit` or `/webrtc` address. */
  reachable: boolean
  /** The node's own multiaddrs. */
  addresses: string[]
}

/** Options of `RelayManager`. */
export interface RelayManagerInit {
  /** Relay URLs or multiaddrs. */
  relays: string[]
  /** Development-only dial settings. @default {} */
  dev?: DevSettings
  /** Reservations to hold when that many relays are connected. @default DEFAULT_RESERVATIONS (2) */
  reservations?: number
  /**
   * The relays (as configured) whose revokers this node trusts; see `trustRevokersOf`.
   * @default the first of `relays` only
   */
  revokerRelays?: readonly string[]
}

/** One relay's revoker keys, and whether this node trusts them. */
export interface RevokerTrust {
  /** The relay as configured: a URL or a multiaddr. */
  source: string
  /** The revoker keys its well-known document names. */
  revokers: Uint8Array[]
  /** Whether its revokers count here. */
  trusted: boolean
}

interface RelayState {
  source: string
  entry: RelayEntry
  peerId?: PeerId
  attempts: number
  timer?: ReturnType<typeof setTimeout>
  dialing?: Promise<void>
  reserveFailedAt?: number
  /** Set when it went away or its dial failed; cleared when a connection opens. */
  down?: boolean
  /** The manager's own dial is under way: the gater lets it through. */
  redialing?: boolean
  error?: string
  lastError?: Error
  /** The relay's HTTP origin (URL entries), from the last well-known document read. */
  http?: string
  trustedRevokers?: Uint8Array[]
  trustedRegistrars?: Uint8Array[]
}

/** `lists` merged, each key once. */
function unionOf(lists: Iterable<readonly Uint8Array[] | undefined>): Uint8Array[] {
  const seen = new Map<string, Uint8Array>()
  for (const list of lists) for (const key of list ?? []) seen.set(toHex(key), key)
  return [...seen.values()]
}

/** The libp2p components the relay manager works through (given to it as a service). */
export interface RelayManagerComponents {
  /** The node's events: connections, address changes, listeners. */
  events: TypedEventTarget<Libp2pEvents>
  /** Relays' addresses and tags. */
  peerStore: PeerStore
  /** Dials, open connections, hang-ups. */
  connectionManager: {
    getConnections(peerId?: PeerId): Connection[]
    openConnection(addrs: Multiaddr[], options?: { signal?: AbortSignal }): Promise<Connection>
    closeConnections(peerId: PeerId): Promise<void>
  }
  /** Reservations are asked for by listening on a relay's `/p2p-circuit` address. */
  transportManager: {
    listen(addrs: Multiaddr[]): Promise<void>
    getListeners(): { getAddrs(): Multiaddr[] }[]
  }
  /** The node's own addresses. */
  addressManager: { getAddresses(): Multiaddr[] }
}

/** Whether `addr` is a `/p2p-circuit` address through `relay`. */
function isCircuitThrough(addr: Multiaddr, relay: string): boolean {
  const parts = addr.getComponents()
  const circuit = parts.findIndex((c) => c.name === 'p2p-circuit')
  return circuit > 0 && parts[circuit - 1].name === 'p2p' && parts[circuit - 1].value === relay
}

/** `delay` spread by ±`RECONNECT_JITTER`. */
function jitter(delay: number): number {
  return Math.round(delay * (1 + RECONNECT_JITTER * (2 * Math.random() - 1)))
}

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
  private readonly dev: DevSettings
  private readonly target: number
  private readonly relays = new Map<string, RelayState>()
  private readonly controller = new AbortController()
  private listening = false
  private firstContact: Promise<void> = Promise.resolve()
  /** The first relay configured: the one that served the app. */
  private readonly firstRelay: string | undefined
  private revokerRelays: ReadonlySet<string> | undefined
  private lastStatus = ''
  private reconciling = false
  private reconcileAgain = false
  private reconcileTimer?: ReturnType<typeof setTimeout>
  private readonly onChange = (): void => {
    this.reconcile()
    this.emitStatus()
  }
  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    const state = this.stateOf(event.detail)
    if (state !== undefined) state.down = false
    this.onChange()
  }
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    const state = this.stateOf(event.detail)
    if (state !== undefined) {
      state.down = true
      this.schedule(state)
    }
    this.onChange()
  }

  constructor(components: RelayManagerComponents, init: RelayManagerInit) {
    super()
    this.components = components
    this.dev = init.dev ?? {}
    this.target = init.reservations ?? DEFAULT_RESERVATIONS
    this.firstRelay = init.relays[0]
    this.trustRevokersOf(init.revokerRelays)
    for (const source of init.relays) this.track(source)
  }

  /**
   * Trust the revokers of the relays in `sources` (as configured) only; `undefined` for the
   * default, the first relay (the one that served the app). Any trusted revoker can withdraw
   * any name for this node, so a relay added for reach does not get that power by being added.
   */
  trustRevokersOf(sources: readonly string[] | undefined): void {
    this.revokerRelays = sources === undefined ? undefined : new Set(sources)
  }

  /** Each relay's revokers and whether they are trusted here, in the order configured. */
  revokerTrust(): RevokerTrust[] {
    return [...this.relays.values()].map((s) => ({
      source: s.source,
      revokers: s.trustedRevokers ?? [],
      trusted: this.revokerRelays?.has(s.source) ?? s.source === this.firstRelay,
    }))
  }

  /**
   * Revoker keys this node trusts: those named by the relays whose revokers it trusts
   * (`trustRevokersOf`; by default the first relay's), never every relay's.
   */
  trustedRevokers(): Uint8Array[] {
    return unionOf(this.revokerTrust().map((r) => (r.trusted ? r.revokers : undefined)))
  }

  /** Registrar keys any of the relays trusts (their well-known documents' `trustedRegistrars`). */
  trustedRegistrars(): Uint8Array[] {
    return unionOf([...this.relays.values()].map((s) => s.trustedRegistrars))
  }

  /** HTTP origins of the relays connected now that were configured by URL. */
  connectedRelayUrls(): string[] {
    return [...this.relays.values()]
      .filter(
        (s) =>
          s.http !== undefined && s.peerId !== undefined && this.connections(s.peerId).length > 0,
      )
      .map((s) => s.http!)
  }

  /**
   * The relays connected now whose revokers this node trusts (`revokerTrust`; by default the
   * first, which served the app): a name's record is asked of them first (`relay-first.ts`).
   */
  trustedRelayPeers(): PeerId[] {
    const trusted = new Set(this.revokerTrust().flatMap((r) => (r.trusted ? [r.source] : [])))
    return [...this.relays.values()]
      .filter(
        (s) =>
          trusted.has(s.source) && s.peerId !== undefined && this.connections(s.peerId).length > 0,
      )
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
    const attempts = [...this.relays.values()].map((state) => this.connect(state))
    this.firstContact =
      attempts.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            let left = attempts.length
            for (const attempt of attempts) {
              void attempt.then((connected) => {
                left--
                if (connected || left === 0) resolve()
              })
            }
          })
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
    const state = this.stateOf(peerId)
    return (
      state !== undefined &&
      state.down === true &&
      state.redialing !== true &&
      !this.controller.signal.aborted
    )
  }

  /** The current status. */
  status(): RelayStatus {
    const addresses = this.components.addressManager.getAddresses().map(String)
    return {
      relays: [...this.relays.values()].map((state) => {
        const info: RelayInfo = {
          peerId: state.peerId?.toString() ?? '',
          source: state.source,
          connected: state.peerId !== undefined && this.connections(state.peerId).length > 0,
          reserved: state.peerId !== undefined && this.hasReservation(state.peerId),
        }
        if (state.error !== undefined) info.error = state.error
        return info
      }),
      peers: new Set(this.connections().map((c) => c.remotePeer.toString())).size,
      reachable: addresses.some((a) => a.includes('/p2p-circuit') || a.includes('/webrtc')),
      addresses,
    }
  }

  /**
   * Adds a relay (URL or multiaddr) and dials it. Resolves once connected; rejects with the
   * first dial's error, and the relay stays on the list and is dialed again with back-off.
   * Throws `InvalidRelayError` for an entry that is neither.
   */
  async add(relay: string): Promise<void> {
    const state = this.relays.get(relay.trim()) ?? this.track(relay)
    if (state.peerId !== undefined && this.connections(state.peerId).length > 0) return
    if (!(await this.connect(state))) throw state.lastError ?? new Error(state.error)
  }

  /**
   * Dials every relay that is not connected now, without waiting for its back-off (the network
   * came back, or the person asked to retry); the back-off starts over. Resolves to whether a
   * relay is connected once these dials ended.
   */
  async reconnect(): Promise<boolean> {
    if (this.controller.signal.aborted) return false
    const waiting = [...this.relays.values()].filter(
      (s) => s.peerId === undefined || this.connections(s.peerId).length === 0,
    )
    for (const state of waiting) {
      clearTimeout(state.timer)
      state.timer = undefined
      state.attempts = 0
    }
    await Promise.all(waiting.map((state) => this.connect(state)))
    return this.status().relays.some((relay) => relay.connected)
  }

  /** Forgets a relay: no more dials, its tag removed, its connection closed. */
  async remove(relay: string): Promise<void> {
    const state = this.relays.get(relay.trim())
    if (state === undefined) return
    this.relays.delete(state.source)
    clearTimeout(state.timer)
    if (state.peerId !== undefined) {
      await this.components.peerStore
        .merge(state.peerId, { tags: { [RELAY_TAG]: undefined } })
        .catch(() => undefined)
      await this.components.connectionManager.closeConnections(state.peerId).catch(() => undefined)
    }
    this.onChange()
  }

  /**
   * Resolves once `test` holds for the status (at once if it holds now). Rejects when `signal`
   * aborts.
   */
  async waitFor(
    test: (status: RelayStatus) => boolean,
    options: { signal?: AbortSignal } = {},
  ): Promise<RelayStatus> {
    const now = this.status()
    if (test(now)) return now
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        const status = this.status()
        if (!test(status)) return
        done()
        resolve(status)
      }
      const abort = (): void => {
        done()
        reject(options.signal?.reason)
      }
      const done = (): void => {
        this.removeEventListener('status', listener)
        options.signal?.removeEventListener('abort', abort)
      }
      this.addEventListener('status', listener)
      options.signal?.addEventListener('abort', abort, { once: true })
    })
  }

  /** Stops dialing and reserving; open connections stay until libp2p stops. Idempotent. */
  stop(): void {
    this.controller.abort()
    clearTimeout(this.reconcileTimer)
    for (const state of this.relays.values()) clearTimeout(state.timer)
    this.listening = false
    const { events } = this.components
    events.removeEventListener('peer:connect', this.onConnect)
    events.removeEventListener('peer:disconnect', this.onDisconnect)
    events.removeEventListener('self:peer:update', this.onChange)
    events.removeEventListener('transport:listening', this.onChange)
    events.removeEventListener('transport:close', this.onChange)
  }

  /** Open connections (to `peerId`, or all). */
  private connections(peerId?: PeerId): Connection[] {
    return this.components.connectionManager.getConnections(peerId)
  }

  /** Whether this node holds a reservation on `relay`: a circuit listener has addresses through it. */
  private hasReservation(relay: PeerId): boolean {
    const id = relay.toString()
    return this.components.transportManager
      .getListeners()
      .some((listener) => listener.getAddrs().some((addr) => isCircuitThrough(addr, id)))
  }

  private track(source: string): RelayState {
    const key = source.trim()
    const state: RelayState = { source: key, entry: parseRelayEntry(key), attempts: 0 }
    this.relays.set(key, state)
    return state
  }

  private stateOf(peerId: PeerId): RelayState | undefined {
    for (const state of this.relays.values())
      if (state.peerId?.equals(peerId) === true) return state
    return undefined
  }

  /** Dials a relay once; resolves to whether it is connected. Failures schedule a retry. */
  private connect(state: RelayState): Promise<boolean> {
    state.dialing ??= (async () => {
      const signal = AbortSignal.any([
        this.controller.signal,
        AbortSignal.timeout(RELAY_DIAL_TIMEOUT_MS),
      ])
      try {
        const { peerId, addrs, http, trustedRevokers, trustedRegistrars } = await resolveRelayEntry(
          state.entry,
          this.dev,
          signal,
        )
        state.peerId = peerIdFromString(peerId)
        state.http = http
        state.trustedRevokers = trustedRevokers
        state.trustedRegistrars = trustedRegistrars
        await this.components.peerStore.merge(state.peerId, {
          multiaddrs: addrs,
          tags: { [RELAY_TAG]: { value: RELAY_TAG_VALUE } },
        })
        state.redialing = true
        try {
          await this.components.connectionManager.openConnection(addrs, { signal })
        } finally {
          state.redialing = false
        }
        state.down = false
        state.attempts = 0
        state.error = undefined
        state.lastError = undefined
      } catch (err) {
        state.lastError = err as Error
        state.down = true
        state.error = (err as Error).name === 'Error' ? (err as Error).message : (err as Error).name
        this.schedule(state)
      } finally {
        state.dialing = undefined
      }
    })()
    return state.dialing.then(() => {
      this.onChange()
      return state.error === undefined
    })
  }

  /** Dials the relay again after the back-off, unless it is connected by then. */
  private schedule(state: RelayState): void {
    if (
      this.controller.signal.aborted ||
      state.timer !== undefined ||
      !this.relays.has(state.source)
    )
      return
    const delay = jitter(
      Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * RECONNECT_FACTOR ** state.attempts),
    )
    state.attempts++
    state.timer = setTimeout(() => {
      state.timer = undefined
      if (state.peerId !== undefined && this.connections(state.peerId).length > 0) return
      void this.connect(state)
    }, delay)
  }

  /** Asks connected relays for reservations until `target` are held. Runs one at a time. */
  private reconcile(): void {
    if (this.controller.signal.aborted) return
    if (this.reconciling) {
      this.reconcileAgain = true
      return
    }
    this.reconciling = true
    void this.reserveMissing().finally(() => {
      this.reconciling = false
      if (this.reconcileAgain) {
        this.reconcileAgain = false
        this.reconcile()
      }
    })
  }

  private async reserveMissing(): Promise<void> {
    const states = [...this.relays.values()]
    let held = states.filter((s) => s.peerId !== undefined && this.hasReservation(s.peerId)).length
    const now = Date.now()
    const candidates = states
      .filter(
        (s) =>
          s.peerId !== undefined &&
          !this.hasReservation(s.peerId) &&
          this.connections(s.peerId).length > 0,
      )
      // a relay that refused a reservation lately is asked last
      .sort((a, b) => (a.reserveFailedAt ?? 0) - (b.reserveFailedAt ?? 0))
    for (const state of candidates) {
      if (held >= this.target) return
      if (state.reserveFailedAt !== undefined && now - state.reserveFailedAt < RECONNECT_MIN_MS)
        continue
      const peerId = state.peerId!
      const connection = this.connections(peerId).find(
        (c) => !c.remoteAddr.toString().includes('/p2p-circuit'),
      )
      if (connection == null) continue
      const base = connection.remoteAddr.toString().includes(`/p2p/${peerId}`)
        ? connection.remoteAddr
        : connection.remoteAddr.encapsulate(`/p2p/${peerId}`)
      try {
        await this.components.transportManager.listen([multiaddr(`${base.toString()}/p2p-circuit`)])
        state.reserveFailedAt = undefined
        held++
      } catch (err) {
        state.reserveFailedAt = Date.now()
        state.error = (err as Error).name
        // ask again later: the relay may be full now and have room then
        clearTimeout(this.reconcileTimer)
        this.reconcileTimer = setTimeout(() => this.reconcile(), jitter(RECONNECT_MIN_MS))
      }
    }
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
