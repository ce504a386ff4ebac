/**
 * A name lookup as a visitor's peer makes it (src/net/naming: every value servers returned,
 * validated, then the holder most servers returned), with the number of hops it took: peers the
 * query starts from are one hop away, peers they name are one further, and a lookup takes as
 * many hops as the nearest server that answered with a record (0 for the node's own copy),
 * counted over the whole query once it ended (`hopsOf`), whatever order its answers came in.
 * @module
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { toHex } from '../../src/core/bytes.ts'
import type { SignedRecord } from '../../src/core/records/index.ts'
import { validCandidates } from '../../src/net/naming/candidates.ts'
import { chooseRecord } from '../../src/net/naming/choose-record.ts'
import { getCandidates } from '../../src/net/naming/dht-records.ts'
import { tableClosest } from '../../relay-node/src/mirror/placement.ts'

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

/**
 * Hops to the nearest of `holders` from the peers a query started from (`start`: hop 1), each
 * responder naming peers one hop further (`named`); 0 when the node held the record itself.
 * Read from the whole query once it ended, not from the order its answers came in: a start peer
 * that another start peer named before it answered is still hop 1, and a peer named by several
 * takes the nearest.
 */
export function hopsOf(
  start: ReadonlySet<string>,
  named: ReadonlyMap<string, readonly string[]>,
  holders: ReadonlySet<string>,
  self: boolean,
): number | undefined {
  if (self) return 0
  const depth = new Map<string, number>()
  let frontier = [...start]
  for (const peer of frontier) depth.set(peer, 1)
  // A responder no start peer led to (the table changed between reading it and the query's
  // start) is taken as a start peer, as the query did.
  for (const peer of named.keys())
    if (!depth.has(peer) && ![...named.values()].some((closer) => closer.includes(peer))) {
      depth.set(peer, 1)
      frontier.push(peer)
    }
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = []
    for (const peer of frontier)
      for (const closer of named.get(peer) ?? [])
        if (!depth.has(closer)) {
          depth.set(closer, d + 1)
          next.push(closer)
        }
    frontier = next
  }
  let nearest: number | undefined
  for (const peer of holders) {
    const d = depth.get(peer)
    if (d !== undefined) nearest = Math.min(nearest ?? d, d)
  }
  return nearest
}

/**
 * A view of `dht` whose `get` notes the peers the query starts from (the routing table's closest
 * to the key, as kad-dht reads them), who named whom and who answered with a record; its hops
 * are counted once it ends (`hopsOf`).
 */
function tracing(dht: KadDHT, self: string, hops: { nearest?: number }): KadDHT {
  return {
    get: async function* (key, options) {
      const start = new Set(tableClosest(dht, key).map(String))
      const named = new Map<string, string[]>()
      const holders = new Set<string>()
      let held = false
      try {
        for await (const event of dht.get(key, options)) {
          if (event.name === 'VALUE' && event.from.toString() === self) held = true
          if (event.name === 'PEER_RESPONSE') {
            const from = event.from.toString()
            named.set(from, [
              ...(named.get(from) ?? []),
              ...event.closer.map((p) => p.id.toString()),
            ])
            if (event.record != null) holders.add(from)
          }
          yield event
        }
      } finally {
        const nearest = hopsOf(start, named, holders, held)
        if (nearest !== undefined) hops.nearest = nearest
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
