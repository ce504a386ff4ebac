/**
 * The relay manager's status (`relay-manager.ts`): each relay, whether it is connected and holds
 * this node's reservation, the peers connected, and whether other peers can reach this node; and
 * a wait for the status to reach a state.
 * @module
 */
import type {
  RelayInfo,
  RelayManagerComponents,
  RelayState,
  RelayStatus,
} from './relay-manager-types.ts'
import type { RelayReservations } from './relay-reservations.ts'

/** The status of the relays `states`, as the node's components see them now. */
export function relayStatus(
  states: Iterable<RelayState>,
  components: RelayManagerComponents,
  reservations: RelayReservations,
): RelayStatus {
  const connections = components.connectionManager
  const addresses = components.addressManager.getAddresses().map(String)
  return {
    relays: [...states].map((state) => {
      const info: RelayInfo = {
        peerId: state.peerId?.toString() ?? '',
        source: state.source,
        connected:
          state.peerId !== undefined && connections.getConnections(state.peerId).length > 0,
        reserved: state.peerId !== undefined && reservations.has(state.peerId),
      }
      if (state.error !== undefined) info.error = state.error
      return info
    }),
    peers: new Set(connections.getConnections().map((c) => c.remotePeer.toString())).size,
    reachable: addresses.some((a) => a.includes('/p2p-circuit') || a.includes('/webrtc')),
    addresses,
  }
}

/**
 * Resolves once `test` holds for `read()` (at once if it holds now), looking again on each
 * `status` event of `target`. Rejects when `signal` aborts.
 */
export async function waitForStatus(
  target: EventTarget,
  read: () => RelayStatus,
  test: (status: RelayStatus) => boolean,
  options: { signal?: AbortSignal } = {},
): Promise<RelayStatus> {
  const now = read()
  if (test(now)) return now
  return new Promise((resolve, reject) => {
    const listener = (): void => {
      const status = read()
      if (!test(status)) return
      done()
      resolve(status)
    }
    const abort = (): void => {
      done()
      reject(options.signal?.reason)
    }
    const done = (): void => {
      target.removeEventListener('status', listener)
      options.signal?.removeEventListener('abort', abort)
    }
    target.addEventListener('status', listener)
    options.signal?.addEventListener('abort', abort, { once: true })
  })
}
