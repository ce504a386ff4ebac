/**
 * The breaking-point search (`npm run soak -- --find-limit`): one network, clients added in
 * steps, each step's load measured for a while; the search stops at the first step that crosses
 * a threshold (error rate, resolve p95, relay memory, clients left without a reservation or a
 * relay too busy to answer `/health`) or at the most clients allowed, and names what broke.
 * @module
 */
import { startSoakNetwork } from './soak-network.ts'
import { SoakLoad, type WindowReport } from './soak-load.ts'
import { formatWindow, machine, windowHeader, type SoakSummary } from './soak-report.ts'

/** Share of failed operations in a step that counts as broken. */
export const LIMIT_MAX_ERROR_RATE = 0.01
/** Resolve (DHT lookup) p95 above which a step counts as broken (the issue's goal: ≤ 100 ms). */
export const LIMIT_P95_RESOLVE_MS = 100
/** Resident memory of one relay above which a step counts as broken. */
export const LIMIT_MAX_RELAY_RSS_MIB = 1536
/** Share of one core used by the clients' process above which the load generator, not the relay, may be what limits. */
export const LIMIT_LOAD_CPU = 0.9

/** Settings of the search. */
export interface LimitInit {
  relays: number
  /** Operations per client per minute. */
  rate: number
  /** Clients of the first step. */
  start: number
  /** Clients added each step. */
  step: number
  /** Clients at which the search stops unbroken. */
  maxClients: number
  /** How long each step's load is measured (ms). */
  stepMs: number
  log?: (line: string) => void
}

/** One step of the search. */
export interface LimitStep {
  clients: number
  /** The clients' connecting, with their reservation latency and failures. */
  ramp: WindowReport
  window: WindowReport
  /** What crossed its threshold, in words; empty when the step held. */
  broke: string[]
  /** Remarks that do not break a step (a saturated load generator). */
  notes: string[]
}

/** What the search writes to bench/results/. */
export interface LimitSummary {
  date: string
  kind: 'limit'
  relays: number
  rate: number
  thresholds: { maxErrorRate: number; p95ResolveMs: number; maxRelayRssMiB: number }
  steps: LimitStep[]
  /** The most clients of a step that held; null when the first step broke. */
  held: number | null
  /** The clients of the step that broke; null when none did up to `maxClients`. */
  brokeAt: number | null
  broke: string[]
  machine: SoakSummary['machine']
}

/** What in a step crossed a threshold. */
export function judgeStep(
  ramp: WindowReport,
  w: WindowReport,
): { broke: string[]; notes: string[] } {
  const broke: string[] = []
  const errors = { ...ramp.errors }
  for (const [k, n] of Object.entries(w.errors)) errors[k] = (errors[k] ?? 0) + n
  const failed = Object.values(errors).reduce((s, n) => s + n, 0)
  const total = w.completed + ramp.completed
  if (total > 0 && failed / total > LIMIT_MAX_ERROR_RATE)
    broke.push(
      `errors: ${((100 * failed) / total).toFixed(1)} % of operations failed (${Object.entries(
        errors,
      )
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')})`,
    )
  const p95 = w.latency.resolve.p95
  if (p95 !== undefined && p95 > LIMIT_P95_RESOLVE_MS)
    broke.push(`latency: resolve p95 ${p95.toFixed(0)} ms > ${LIMIT_P95_RESOLVE_MS} ms`)
  w.relays.forEach((r, i) => {
    if (r.rssMiB > LIMIT_MAX_RELAY_RSS_MIB)
      broke.push(
        `memory: relay ${i + 1} RSS ${r.rssMiB.toFixed(0)} MiB > ${LIMIT_MAX_RELAY_RSS_MIB} MiB`,
      )
    if (r.connections < 0) broke.push(`connections: relay ${i + 1} did not answer /health`)
  })
  const unreserved = Object.entries(ramp.errors)
    .filter(([k]) => k.startsWith('reserve'))
    .reduce((s, [, n]) => s + n, 0)
  if (unreserved > 0) broke.push(`connections: ${unreserved} new clients got no reservation`)
  const notes =
    w.loadCpu > LIMIT_LOAD_CPU
      ? [
          `the clients' process used ${(w.loadCpu * 100).toFixed(0)} % of a core: the load generator may be the limit`,
        ]
      : []
  return { broke, notes }
}

/** Runs the search. */
export async function findLimit(init: LimitInit): Promise<LimitSummary> {
  const log = init.log ?? console.log
  const net = await startSoakNetwork({ relays: init.relays, maxClients: init.maxClients })
  const load = new SoakLoad(net, init.rate)
  const steps: LimitStep[] = []
  try {
    log(`${init.relays} relay(s) up; steps of ${init.step} clients, ${init.stepMs / 1000} s each`)
    log(windowHeader(init.relays))
    for (let target = init.start; target <= init.maxClients; target += init.step) {
      await load.addClients(target - load.clients.length)
      const ramp = await load.closeWindow()
      let window: WindowReport | undefined
      // One window per step: the interval is longer than the step.
      await load.run(init.stepMs, init.stepMs * 2, (w) => (window = w))
      const step = { clients: target, ramp, window: window!, ...judgeStep(ramp, window!) }
      steps.push(step)
      log(formatWindow(step.window))
      for (const line of [...step.broke, ...step.notes]) log(`         ${line}`)
      if (step.broke.length > 0) break
    }
  } finally {
    await load.stop()
    await net.stop()
  }
  const last = steps.at(-1)
  const broken = last !== undefined && last.broke.length > 0
  const held = steps.filter((s) => s.broke.length === 0).at(-1)
  return {
    date: new Date().toISOString(),
    kind: 'limit',
    relays: init.relays,
    rate: init.rate,
    thresholds: {
      maxErrorRate: LIMIT_MAX_ERROR_RATE,
      p95ResolveMs: LIMIT_P95_RESOLVE_MS,
      maxRelayRssMiB: LIMIT_MAX_RELAY_RSS_MIB,
    },
    steps,
    held: held?.clients ?? null,
    brokeAt: broken ? last.clients : null,
    broke: broken ? last.broke : [],
    machine: machine(),
  }
}

/** The search's result in words. */
export function formatLimit(s: LimitSummary): string {
  const where =
    s.brokeAt === null
      ? `no step broke up to ${s.steps.at(-1)?.clients ?? 0} clients`
      : `broke at ${s.brokeAt} clients: ${s.broke.join('; ')}`
  return `${s.relays} relay(s): held ${s.held ?? 'no step'} clients; ${where}; machine load ${s.machine.loadAverage.join(' ')}`
}
