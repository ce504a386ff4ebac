/**
 * One dial of a relay by the relay manager (`relay-manager.ts`): its entry resolved (a URL's
 * well-known document read again, so a relay that moved or renewed its certificate is found),
 * its addresses and tag put in the peer store, a connection opened; and the back-off before the
 * next dial when it fails.
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import {
  RECONNECT_FACTOR,
  RECONNECT_JITTER,
  RECONNECT_MAX_MS,
  RECONNECT_MIN_MS,
  RELAY_TAG,
  RELAY_TAG_VALUE,
} from './constants.ts'
import { resolveRelayEntry, type DevSettings } from './relay-addresses.ts'
import type { RelayManagerComponents, RelayState } from './relay-manager-types.ts'

/** `delay` spread by ±`RECONNECT_JITTER`. */
export function jitter(delay: number): number {
  return Math.round(delay * (1 + RECONNECT_JITTER * (2 * Math.random() - 1)))
}

/** The wait before the next dial of a relay whose dials failed `attempts` times in a row. */
export function backOff(attempts: number): number {
  return jitter(Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * RECONNECT_FACTOR ** attempts))
}

/**
 * Dials the relay of `state` once, within `signal`, and records the outcome on `state`: on
 * success it is up and its error cleared; on failure it is down with the error (its name, or the
 * message of a plain `Error`). Resolves either way; `state.error` tells which.
 */
export async function dialRelay(
  state: RelayState,
  components: RelayManagerComponents,
  dev: DevSettings,
  signal: AbortSignal,
): Promise<void> {
  try {
    const { peerId, addrs, http, trustedRevokers, trustedRegistrars } = await resolveRelayEntry(
      state.entry,
      dev,
      signal,
    )
    state.peerId = peerIdFromString(peerId)
    state.http = http
    state.trustedRevokers = trustedRevokers
    state.trustedRegistrars = trustedRegistrars
    await components.peerStore.merge(state.peerId, {
      multiaddrs: addrs,
      tags: { [RELAY_TAG]: { value: RELAY_TAG_VALUE } },
    })
    // The manager's own dial: the connection gater lets it through while the relay is down.
    state.redialing = true
    try {
      await components.connectionManager.openConnection(addrs, { signal })
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
  }
}

/** Resolves once one of `attempts` connected, or every one ended without (at once for none). */
export function firstConnected(attempts: Promise<boolean>[]): Promise<void> {
  if (attempts.length === 0) return Promise.resolve()
  return new Promise<void>((resolve) => {
    let left = attempts.length
    for (const attempt of attempts) {
      void attempt.then((connected) => {
        left--
        if (connected || left === 0) resolve()
      })
    }
  })
}
