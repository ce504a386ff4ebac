/**
 * The relay manager's list of relays, each kept connected (`relay-manager.ts`): every relay is
 * dialed, and one that fails or goes away is dialed again with exponential back-off. A relay that
 * went away or failed its dial is down until a connection to it opens, and every dial of it but
 * the list's own redials is to be refused (`deniesDial`).
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { RELAY_DIAL_TIMEOUT_MS, RELAY_TAG } from './constants.ts'
import { parseRelayEntry, type DevSettings } from './relay-addresses.ts'
import { backOff, dialRelay } from './relay-dial.ts'
import type { RelayManagerComponents, RelayState } from './relay-manager-types.ts'

/** The relays, as configured, each dialed and redialed until `signal` aborts. */
export class RelayConnections {
  private readonly components: RelayManagerComponents
  private readonly dev: DevSettings
  private readonly signal: AbortSignal
  private readonly changed: () => void
  private readonly relays = new Map<string, RelayState>()

  /** Calls `changed` after each dial and each removal. */
  constructor(
    components: RelayManagerComponents,
    dev: DevSettings,
    signal: AbortSignal,
    changed: () => void,
  ) {
    this.components = components
    this.dev = dev
    this.signal = signal
    this.changed = changed
  }

  /** Every relay's state, in the order added. */
  states(): IterableIterator<RelayState> {
    return this.relays.values()
  }

  /** The relay `source` (a URL or multiaddr) if it is on the list. */
  get(source: string): RelayState | undefined {
    return this.relays.get(source.trim())
  }

  /** Puts the relay `source` (a URL or multiaddr) on the list, afresh. */
  track(source: string): RelayState {
    const key = source.trim()
    const state: RelayState = { source: key, entry: parseRelayEntry(key), attempts: 0 }
    this.relays.set(key, state)
    return state
  }

  /** Whether a connection to the relay of `state` is open. */
  connected(state: RelayState): boolean {
    return (
      state.peerId !== undefined &&
      this.components.connectionManager.getConnections(state.peerId).length > 0
    )
  }

  /** A connection to `peerId` opened: if it is a relay, it is no longer down. */
  opened(peerId: PeerId): void {
    const state = this.stateOf(peerId)
    if (state !== undefined) state.down = false
  }

  /** The connection to `peerId` closed: if it is a relay, it is down and dialed again. */
  closed(peerId: PeerId): void {
    const state = this.stateOf(peerId)
    if (state !== undefined) {
      state.down = true
      this.schedule(state)
    }
  }

  /** Whether a dial of `peerId` is to be refused: a relay that is down, not being redialed. */
  deniesDial(peerId: PeerId): boolean {
    const state = this.stateOf(peerId)
    return (
      state !== undefined && state.down === true && state.redialing !== true && !this.signal.aborted
    )
  }

  /** Dials a relay once; resolves to whether it is connected. Failures schedule a retry. */
  connect(state: RelayState): Promise<boolean> {
    state.dialing ??= (async () => {
      const signal = AbortSignal.any([this.signal, AbortSignal.timeout(RELAY_DIAL_TIMEOUT_MS)])
      await dialRelay(state, this.components, this.dev, signal)
      if (state.error !== undefined) this.schedule(state)
      state.dialing = undefined
    })()
    return state.dialing.then(() => {
      this.changed()
      return state.error === undefined
    })
  }

  /** Dials every relay not connected now at once, its back-off started over. */
  async reconnect(): Promise<void> {
    const waiting = [...this.relays.values()].filter((s) => !this.connected(s))
    for (const state of waiting) {
      clearTimeout(state.timer)
      state.timer = undefined
      state.attempts = 0
    }
    await Promise.all(waiting.map((state) => this.connect(state)))
  }

  /** Forgets a relay: no more dials, its tag removed, its connection closed. */
  async remove(source: string): Promise<void> {
    const state = this.relays.get(source.trim())
    if (state === undefined) return
    this.relays.delete(state.source)
    clearTimeout(state.timer)
    if (state.peerId !== undefined) {
      await this.components.peerStore
        .merge(state.peerId, { tags: { [RELAY_TAG]: undefined } })
        .catch(() => undefined)
      await this.components.connectionManager.closeConnections(state.peerId).catch(() => undefined)
    }
    this.changed()
  }

  /** Stops the redials waiting for their back-off. */
  stop(): void {
    for (const state of this.relays.values()) clearTimeout(state.timer)
  }

  private stateOf(peerId: PeerId): RelayState | undefined {
    for (const state of this.relays.values())
      if (state.peerId?.equals(peerId) === true) return state
    return undefined
  }

  /** Dials the relay again after the back-off, unless it is connected by then. */
  private schedule(state: RelayState): void {
    if (this.signal.aborted || state.timer !== undefined || !this.relays.has(state.source)) return
    const delay = backOff(state.attempts)
    state.attempts++
    state.timer = setTimeout(() => {
      state.timer = undefined
      if (this.connected(state)) return
      void this.connect(state)
    }, delay)
  }
}
