/**
 * The soak's printed table (one line per window) and its summary: totals by kind of operation,
 * errors by kind, each relay's RSS and handle slopes after warm-up (goal: flat) and its CPU per
 * client, and the machine's load when the run ended.
 * @module
 */
import { cpus, loadavg } from 'node:os'
import type { Latency, WindowReport } from './soak-load.ts'

/** Share of the windows counted as warm-up, left out of the slopes. */
export const WARM_UP = 0.25

/** One relay over the whole run. */
export interface RelaySummary {
  peerId: string
  rssMiB: { first: number; last: number; max: number; slopePerMinute: number }
  handles: { first: number; last: number; max: number; slopePerMinute: number }
  maxConnections: number
  /** Relay CPU (ms) per client per minute, averaged over the run. */
  cpuMsPerClientMinute: number
}

/** What a soak run writes to bench/results/. */
export interface SoakSummary {
  date: string
  kind: 'soak'
  relays: number
  clients: number
  minutes: number
  rate: number
  machine: { cores: number; loadAverage: number[] }
  completed: number
  succeeded: number
  errors: Record<string, number>
  errorCount: number
  /** Reservation requests asked again after one failed, as the browser's relay manager does. */
  reservationRetries: number
  /** Connections to a home relay lost and dialled again before an operation. */
  redials: number
  /** The first message of each kind of error. */
  errorExamples: Record<string, string>
  latency: Record<string, Latency>
  relaySummaries: RelaySummary[]
  windows: WindowReport[]
}

const ms = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(0))
const pct = (l: Latency): string => `${ms(l.p50)}/${ms(l.p95)}`

/** The table's header line. */
export function windowHeader(relays: number): string {
  const r = Array.from({ length: relays }, (_, i) => `r${i + 1} MiB/fd/conn`).join('  ')
  return `  t (s)  clients  ops/s  publish p50/p95  resolve p50/p95  fetch p50/p95  errors  ${r}  load CPU  lag p95`
}

/** One window as a table line, with its errors by kind below it. */
export function formatWindow(w: WindowReport): string {
  const errors = Object.values(w.errors).reduce((s, n) => s + n, 0)
  const relays = w.relays
    .map((r) => `${r.rssMiB.toFixed(0)}/${r.handles}/${r.connections}`.padEnd(15))
    .join('  ')
  const line = `  ${w.at.toFixed(0).padStart(5)}  ${String(w.clients).padStart(7)}  ${w.opsPerSecond.toFixed(1).padStart(5)}  ${pct(w.latency.publish).padStart(15)}  ${pct(w.latency.resolve).padStart(15)}  ${pct(w.latency.fetch).padStart(13)}  ${String(errors).padStart(6)}  ${relays}  ${(w.loadCpu * 100).toFixed(0).padStart(6)} %  ${`${w.loopDelayP95Ms.toFixed(0)} ms`.padStart(7)}`
  const kinds = Object.entries(w.errors)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ')
  return kinds === '' ? line : `${line}\n         errors: ${kinds}`
}

/** Least-squares slope of `y` over `x`. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((s, p) => s + p[0], 0) / n
  const my = points.reduce((s, p) => s + p[1], 0) / n
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0)
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

function series(
  windows: WindowReport[],
  value: (w: WindowReport) => number,
): RelaySummary['rssMiB'] {
  const values = windows.map(value)
  const steady = windows.slice(Math.floor(windows.length * WARM_UP))
  return {
    first: values[0] ?? 0,
    last: values.at(-1) ?? 0,
    max: Math.max(0, ...values),
    slopePerMinute: slope(steady.map((w) => [w.at / 60, value(w)])),
  }
}

/** Each relay over the run. */
export function summariseRelays(peerIds: string[], windows: WindowReport[]): RelaySummary[] {
  return peerIds.map((peerId, i) => {
    const cpuSeconds = windows.reduce((s, w) => s + w.relays[i].cpu * w.seconds, 0)
    const clientMinutes = windows.reduce((s, w) => s + (w.clients * w.seconds) / 60, 0)
    return {
      peerId,
      rssMiB: series(windows, (w) => w.relays[i].rssMiB),
      handles: series(windows, (w) => w.relays[i].handles),
      maxConnections: Math.max(0, ...windows.map((w) => w.relays[i].connections)),
      cpuMsPerClientMinute: clientMinutes === 0 ? 0 : (cpuSeconds * 1000) / clientMinutes,
    }
  })
}

/** The machine's cores and load average now. */
export function machine(): SoakSummary['machine'] {
  return { cores: cpus().length, loadAverage: loadavg().map((x) => Number(x.toFixed(2))) }
}

/** The summary as the lines printed after the table. */
export function formatSummary(s: SoakSummary): string {
  const lines = [
    `${s.completed} operations completed, ${s.succeeded} succeeded; errors ${s.errorCount} (goal 0)${s.errorCount === 0 ? '' : `: ${JSON.stringify(s.errors)}`}`,
    `  reservations asked again after a failure: ${s.reservationRetries}; connections lost and dialled again: ${s.redials}`,
    ...Object.entries(s.latency).map(
      ([k, l]) =>
        `  ${k.padEnd(8)} ${String(l.count).padStart(6)} ops  p50/p95/p99 ${ms(l.p50)}/${ms(l.p95)}/${ms(l.p99)} ms`,
    ),
    ...s.relaySummaries.map(
      (r, i) =>
        `  relay ${i + 1}: RSS ${r.rssMiB.first.toFixed(0)}→${r.rssMiB.last.toFixed(0)} MiB (${signed(r.rssMiB.slopePerMinute, 2)} MiB/min after warm-up), handles ${r.handles.first}→${r.handles.last} (${signed(r.handles.slopePerMinute, 1)}/min), up to ${r.maxConnections} connections, CPU ${r.cpuMsPerClientMinute.toFixed(1)} ms per client per minute`,
    ),
    ...Object.entries(s.errorExamples).map(([k, m]) => `  first ${k}: ${m}`),
    `  machine: ${s.machine.cores} cores, load average ${s.machine.loadAverage.join(' ')}`,
  ]
  return lines.join('\n')
}

const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`
