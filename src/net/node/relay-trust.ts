/**
 * Whose keys the relay manager's node trusts (`relay-manager.ts`): the revoker keys of the relays
 * chosen for that (by default the first relay, the one that served the app), and the registrar
 * keys any relay names. Any trusted revoker can withdraw any name for this node, so a relay added
 * for reach does not get that power by being added.
 * @module
 */
import { toHex } from '../../core/bytes.ts'
import type { RelayState, RevokerTrust } from './relay-manager-types.ts'

/** `lists` merged, each key once. */
export function unionOf(lists: Iterable<readonly Uint8Array[] | undefined>): Uint8Array[] {
  const seen = new Map<string, Uint8Array>()
  for (const list of lists) for (const key of list ?? []) seen.set(toHex(key), key)
  return [...seen.values()]
}

/** Which relays' revokers count here. */
export class RelayTrust {
  /** The first relay configured: the one that served the app. */
  private readonly firstRelay: string | undefined
  private revokerRelays: ReadonlySet<string> | undefined

  constructor(firstRelay: string | undefined, revokerRelays: readonly string[] | undefined) {
    this.firstRelay = firstRelay
    this.trustRevokersOf(revokerRelays)
  }

  /** Trust the revokers of the relays in `sources` (as configured) only; `undefined` for the first relay's. */
  trustRevokersOf(sources: readonly string[] | undefined): void {
    this.revokerRelays = sources === undefined ? undefined : new Set(sources)
  }

  /** Each relay's revokers and whether they are trusted here, in the order of `states`. */
  revokerTrust(states: Iterable<RelayState>): RevokerTrust[] {
    return [...states].map((s) => ({
      source: s.source,
      revokers: s.trustedRevokers ?? [],
      trusted: this.revokerRelays?.has(s.source) ?? s.source === this.firstRelay,
    }))
  }

  /** Revoker keys trusted here: those the trusted relays name. */
  trustedRevokers(states: Iterable<RelayState>): Uint8Array[] {
    return unionOf(this.revokerTrust(states).map((r) => (r.trusted ? r.revokers : undefined)))
  }

  /** The relays (as configured) whose revokers are trusted here. */
  trustedSources(states: Iterable<RelayState>): Set<string> {
    return new Set(this.revokerTrust(states).flatMap((r) => (r.trusted ? [r.source] : [])))
  }
}
