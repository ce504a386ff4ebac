/**
 * The settings of a simulation run (`SimOptions`), and the pool its phases run their calls in.
 * @module
 */
import type { SimProfile } from './sim-profile.ts'

/** Settings of one run. */
export interface SimOptions {
  /** DHT servers, Sybils included. */
  nodes: number
  /** Share of honest servers replaced each simulated hour (0.3 = 30 %/h). */
  churn: number
  /** Simulated hours. */
  hours: number
  /** Share of servers that are Sybils. */
  attackers: number
  seed: number
  /** Names held. @default max(10, nodes / 10) */
  names?: number
  /** Lookups each simulated hour. @default 20 */
  lookupsPerHour?: number
  /** Hours between a holder's new records (docs/PROTOCOL.md: every 24 h, records live 48 h). @default 24 */
  ownerRepublishHours?: number
  /** Hours between the servers' republish rounds (the relay's default is 1 h). @default 1 */
  republishHours?: number
  /**
   * Most republish rounds in a row a server skips a record other holders put to it (a large
   * number: no bound). @default REPUBLISH_MAX_SKIPS (the relay's)
   */
  republishMaxSkips?: number
  /**
   * Simulated hours between a server's rounds of kad-dht's own upkeep (a look-up of its own ID
   * and a refresh of its routing table; dht-timers.ts), staggered over the servers. kad-dht runs
   * them every 5 minutes of real time; the simulation steps by the hour. @default 1
   */
  refreshHours?: number
  /** Names each hijacking or rolling-back Sybil pushes each hour. @default 2 */
  attacksPerHour?: number
  /** Latency of every in-memory transfer, ms. @default 0 */
  latency?: number
  /**
   * Longest one operation (a lookup, put, table refresh, republish round, attack, join's dial or
   * server's stop) may take (real time), ms: past it the operation fails, is counted
   * (`counts.cut`) and the run goes on. A bound on a wait that would never end, not a figure of
   * the run (nothing on the in-memory transport takes simulated time).
   * @default OPERATION_BOUND_MS (2 minutes)
   */
  timeoutMs?: number
  /** Called with a line after each simulated hour. */
  progress?(line: string): void
  /**
   * Real time the whole run may take (ms): when it passes, every server stops, whatever phase is
   * under way (start-up, an hour, the final lookups) ends at once, and the result covers the
   * servers started and the hours completed (`options`, beside `planned`). No hour starts when
   * the last one's time and the final lookups' would not fit. @default no limit
   */
  wallLimitMs?: number
  /** Where real time goes: phases, kad-dht calls and inbound DHT streams are timed there. */
  profile?: SimProfile
  /**
   * The Sybils eclipse the first name's key neighbourhood: their keys are ground close to its
   * DHT key (eclipse.ts), every one holds a back-dated rival of the name before its owner first
   * publishes it, and every one hijacks. @default false
   */
  eclipse?: boolean
  /** Lookups of the eclipsed name each simulated hour. @default 5 */
  eclipseLookupsPerHour?: number
  /** Address blocks the Sybils answer and write from (one vote each). @default one per Sybil */
  sybilBlocks?: number
}

/** Calls a phase runs at once (lookups, puts, table refreshes, attacks; republish rounds one after another). */
export const CONCURRENCY = 4

/**
 * Runs `fn` over `items`, `limit` at a time (items are taken in order); once `signal` aborts,
 * no further item is taken.
 */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && signal?.aborted !== true) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
