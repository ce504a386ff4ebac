/**
 * The relay manager's reservations (`relay-manager.ts`): circuit relay v2 reservations asked for
 * explicitly, one relay at a time, on connected relays until the wanted number is held. A relay
 * that refused one lately is asked last, and again after a short wait (it may have room then).
 * A reservation is held on a relay while a circuit listener has addresses through it.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { RECONNECT_MIN_MS } from './constants.ts'
import { jitter } from './relay-dial.ts'
import type { RelayManagerComponents, RelayState } from './relay-manager-types.ts'

/** Whether `addr` is a `/p2p-circuit` address through `relay`. */
function isCircuitThrough(addr: Multiaddr, relay: string): boolean {
  const parts = addr.getComponents()
  const circuit = parts.findIndex((c) => c.name === 'p2p-circuit')
  return circuit > 0 && parts[circuit - 1].name === 'p2p' && parts[circuit - 1].value === relay
}

/** Holds up to `target` reservations on the relays `states` lists. */
export class RelayReservations {
  private readonly components: RelayManagerComponents
  private readonly target: number
  private readonly states: () => Iterable<RelayState>
  private readonly signal: AbortSignal
  private reconciling = false
  private reconcileAgain = false
  private reconcileTimer?: ReturnType<typeof setTimeout>

  /** Stops asking once `signal` aborts. */
  constructor(
    components: RelayManagerComponents,
    target: number,
    states: () => Iterable<RelayState>,
    signal: AbortSignal,
  ) {
    this.components = components
    this.target = target
    this.states = states
    this.signal = signal
  }

  /** Whether this node holds a reservation on `relay`: a circuit listener has addresses through it. */
  has(relay: PeerId): boolean {
    const id = relay.toString()
    return this.components.transportManager
      .getListeners()
      .some((listener) => listener.getAddrs().some((addr) => isCircuitThrough(addr, id)))
  }

  /** Asks connected relays for reservations until `target` are held. Runs one at a time. */
  reconcile(): void {
    if (this.signal.aborted) return
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

  /** Asks no more later (the manager stopped). */
  stop(): void {
    clearTimeout(this.reconcileTimer)
  }

  private connections(peerId: PeerId) {
    return this.components.connectionManager.getConnections(peerId)
  }

  private async reserveMissing(): Promise<void> {
    const states = [...this.states()]
    let held = states.filter((s) => s.peerId !== undefined && this.has(s.peerId)).length
    const now = Date.now()
    const candidates = states
      .filter(
        (s) =>
          s.peerId !== undefined && !this.has(s.peerId) && this.connections(s.peerId).length > 0,
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
}
