/**
 * A name lookup as a visitor's peer makes it (src/net/naming: every value servers returned,
 * validated, then the holder most servers returned), with the number of hops it took: peers the
 * query starts from are one hop away, peers they name are one further, and a lookup takes as
 * many hops as the nearest server that answered with a record (0 for the node's own copy).
 * @module
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { toHex } from '../../src/core/bytes.ts'
import type { SignedRecord } from '../../src/core/records/index.ts'
import { validCandidates } from '../../src/net/naming/candidates.ts'
import { chooseRecord } from '../../src/net/naming/choose-record.ts'
import { getCandidates } from '../../src/net/naming/dht-records.ts'

/** What one lookup found. */
export interface LookupResult {
  /** The chosen record; undefined when none was found or holders tied. */
  record?: SignedRecord
  /** Hops to the nearest server that returned a record; undefined when none did. */
  hops?: number
  /** Real time it took, ms: the machine's figure, not the simulation's. */
  ms: number
  /** Whether the real-time bound ended it (a starved or stuck process, not a DHT outcome). */
  cut?: boolean
}

/** When and within what a lookup runs. */
export interface LookupOptions {
  /** The simulated time, ms since the epoch (records are judged at it). */
  now: number
  /** The real-time bound, ms. */
  timeoutMs: number
  /** The run's signal: its abort ends the lookup. */
  signal?: AbortSignal
}

/** A view of `dht` whose `get` notes each peer's hop distance as the events go by. */
function tracing(dht: KadDHT, self: string, hops: { nearest?: number }): KadDHT {
  return {
    get: async function* (key, options) {
      const depth = new Map<string, number>()
      const found = (d: number): void => {
        hops.nearest = Math.min(hops.nearest ?? d, d)
      }
      for await (const event of dht.get(key, options)) {
        if (event.name === 'VALUE' && event.from.toString() === self) found(0)
        if (event.name === 'PEER_RESPONSE') {
          const from = event.from.toString()
          const d = depth.get(from) ?? 1
          depth.set(from, d)
          for (const peer of event.closer) {
            const id = peer.id.toString()
            if (!depth.has(id)) depth.set(id, d + 1)
          }
          if (event.record != null) found(d)
        }
        yield event
      }
    },
  } as Partial<KadDHT> as KadDHT
}

/** Looks `name` up under `key` through `dht` at the simulated time `now`, within `timeoutMs`. */
export async function tracedLookup(
  dht: KadDHT,
  self: string,
  name: string,
  key: Uint8Array,
  { now, timeoutMs, signal }: LookupOptions,
): Promise<LookupResult> {
  const started = performance.now()
  const hops: { nearest?: number } = {}
  let record: SignedRecord | undefined
  try {
    const candidates = await getCandidates(tracing(dht, self, hops), key, {
      timeoutMs,
      ...(signal ? { signal } : {}),
    })
    const { valid } = await validCandidates(name, candidates, { now, trustedRegistrars: [] })
    record = chooseRecord(name, valid, { key, trustedRegistrars: [] }).record
  } catch {
    // Timed out with nothing found.
  }
  const ms = performance.now() - started
  return {
    ...(record ? { record } : {}),
    ...(hops.nearest === undefined ? {} : { hops: hops.nearest }),
    ms,
    ...(ms >= timeoutMs ? { cut: true } : {}),
  }
}

/** Hex of a holder key, for comparing. */
export const holderHex = (r: SignedRecord): string => toHex(r.holder)
