/**
 * One soak run: starts a `SoakNetwork`, connects the clients, runs their load for the given
 * time, printing a line a window, and stops everything by itself; resolves to the summary.
 * @module
 */
import { startSoakNetwork } from './soak-network.ts'
import { SoakLoad } from './soak-load.ts'
import type { WindowReport } from './soak-load.ts'
import {
  formatWindow,
  machine,
  summariseRelays,
  windowHeader,
  type SoakSummary,
} from './soak-report.ts'

/** Settings of a soak run. */
export interface SoakInit {
  /** Relay processes. */
  relays: number
  /** Clients, spread over the relays. */
  clients: number
  /** How long the load runs once every client is connected (ms). */
  durationMs: number
  /** Operations per client per minute. */
  rate: number
  /** Length of one reported window (ms). */
  intervalMs: number
  /** Longest one operation may take before it counts as an error (ms). @default OP_TIMEOUT_MS */
  opTimeoutMs?: number
  /** Where the lines go. @default console.log */
  log?: (line: string) => void
}

/** Runs one soak and returns its summary. */
export async function runSoak(init: SoakInit): Promise<SoakSummary> {
  const log = init.log ?? console.log
  const net = await startSoakNetwork({ relays: init.relays, maxClients: init.clients })
  const load = new SoakLoad(net, init.rate, init.opTimeoutMs)
  try {
    log(`${init.relays} relays up; the site ${net.site.name} is mirrored on each`)
    const t = performance.now()
    await load.addClients(init.clients)
    const ramp = await load.closeWindow()
    log(
      `${load.clients.length}/${init.clients} clients hold a reservation after ${((performance.now() - t) / 1000).toFixed(0)} s (${load.reservationRetries} requests asked again); reservation p50/p95/p99 ${ramp.latency.reserve.p50?.toFixed(0)}/${ramp.latency.reserve.p95?.toFixed(0)}/${ramp.latency.reserve.p99?.toFixed(0)} ms`,
    )
    log(windowHeader(init.relays))
    const windows: WindowReport[] = []
    await load.run(init.durationMs, init.intervalMs, (w) => {
      windows.push(w)
      log(formatWindow(w))
    })
    const totals = load.totals()
    const errorCount = Object.values(totals.errors).reduce((s, n) => s + n, 0)
    return {
      date: new Date().toISOString(),
      kind: 'soak',
      relays: init.relays,
      clients: init.clients,
      minutes: init.durationMs / 60_000,
      rate: init.rate,
      machine: machine(),
      ...totals,
      errorCount,
      reservationRetries: load.reservationRetries,
      redials: load.redials,
      relaySummaries: summariseRelays(
        net.relays.map((r) => r.peerId),
        windows,
      ),
      windows,
    }
  } finally {
    await load.stop()
    await net.stop()
  }
}
