/**
 * The breaking-point search (`npm run soak -- --find-limit`): one network, clients added in
 * steps, each step's load measured for a while; the search stops at the first step that crosses
 * a threshold (error rate, resolve p95, relay memory, clients left without a reservation or a
 * relay too busy to answer `/health`), at the most clients allowed, or when the next step would
 * not end within the time allowed, and names what broke or why it stopped. When the first step
 * already breaks, it halves the clients until a step holds (or one client breaks it), so the
 * answer is a count, not "nothing held". Each step lasts long enough for its resolve p95 to rest
 * on `LIMIT_MIN_RESOLVES` look-ups, within `LIMIT_MAX_STEP_FACTOR` times the step time. A step
 * whose latency alone broke while the machine ran the clients' own timers late is measured once
 * more before it counts (`measureAgain`).
 * @module
 */
import { startSoakNetwork } from './soak-network.ts'
import { OP_MIX, SoakLoad, type WindowReport } from './soak-load.ts'
import { formatWindow, machine, windowHeader, type SoakSummary } from './soak-report.ts'

/** Share of failed operations in a step that counts as broken. */
export const LIMIT_MAX_ERROR_RATE = 0.01
/** Resolve (DHT lookup) p95 above which a step counts as broken (the issue's goal: ≤ 100 ms). */
export const LIMIT_P95_RESOLVE_MS = 100
/** Resident memory of one relay above which a step counts as broken. */
export const LIMIT_MAX_RELAY_RSS_MIB = 1536
/** Share of one core used by the clients' process above which the load generator, not the relay, may be what limits. */
export const LIMIT_LOAD_CPU = 0.9
/** Share of the resolve p95 threshold that the clients' own event-loop delay may reach before a step notes that the machine's load, not the relay, may decide its latency. */
export const LIMIT_LOOP_DELAY_SHARE = 0.25
/** The next step is expected to take this many times as long as the last (more clients to connect). */
const NEXT_STEP_MARGIN = 1.25
/** Resolves a step should measure for its p95 to mean something (the p95 of 20 is the second largest). */
export const LIMIT_MIN_RESOLVES = 40
/** Longest a step is stretched to reach `LIMIT_MIN_RESOLVES`, as a multiple of the step time. */
export const LIMIT_MAX_STEP_FACTOR = 3

/** How long a step of `clients` clients runs: long enough for `LIMIT_MIN_RESOLVES` resolves, within bounds. */
export function stepDuration(clients: number, rate: number, stepMs: number): number {
  const resolvesPerMs = (clients * rate * OP_MIX.resolve) / 60_000
  return Math.min(
    Math.max(stepMs, LIMIT_MIN_RESOLVES / resolvesPerMs),
    stepMs * LIMIT_MAX_STEP_FACTOR,
  )
}

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
  /** Longest the whole search may take (ms): no step starts that would end after it. @default Infinity */
  maxMs?: number
  log?: (line: string) => void
}

/** Why a search stopped: a step broke, the most clients were reached, or the time ran out. */
export type LimitStop = 'broke' | 'max-clients' | 'time'

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
  stopped: LimitStop
  /** How long the search took, start-up included (s). */
  seconds: number
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
  if (w.loopDelayP95Ms > LIMIT_P95_RESOLVE_MS * LIMIT_LOOP_DELAY_SHARE)
    notes.push(
      `the machine ran this process's own timers up to ${w.loopDelayP95Ms.toFixed(0)} ms late (p95): its load, not the relay, may decide this step's latency`,
    )
  return { broke, notes }
}

/**
 * Whether a step that broke is measured once more before it counts: when only its latency broke
 * while the machine ran this process's own timers late (other work on the machine, not the
 * relay, may have decided it), and it was not measured again already.
 */
export function measureAgain(step: Pick<LimitStep, 'broke' | 'window'>, again: boolean): boolean {
  return (
    !again &&
    step.broke.length > 0 &&
    step.broke.every((b) => b.startsWith('latency')) &&
    step.window.loopDelayP95Ms > LIMIT_P95_RESOLVE_MS * LIMIT_LOOP_DELAY_SHARE
  )
}

/** Runs the search. */
export async function findLimit(init: LimitInit): Promise<LimitSummary> {
  const log = init.log ?? console.log
  const started = performance.now()
  const maxMs = init.maxMs ?? Infinity
  const net = await startSoakNetwork({ relays: init.relays, maxClients: init.maxClients })
  const load = new SoakLoad(net, init.rate)
  const steps: LimitStep[] = []
  let stopped: LimitStop = 'max-clients'
  try {
    log(`${init.relays} relay(s) up; steps of ${init.step} clients, ${init.stepMs / 1000} s each`)
    log(windowHeader(init.relays))
    let lastStepMs = init.stepMs
    let target = init.start
    let lookingDown = false
    let again = false
    while (target >= 1 && target <= init.maxClients) {
      // A step takes about as long as the last one, a little more with more clients to connect.
      if (performance.now() - started + lastStepMs * NEXT_STEP_MARGIN > maxMs) {
        stopped = 'time'
        log(`         stopping: the next step would end past the ${maxMs / 60_000} min allowed`)
        break
      }
      const stepStart = performance.now()
      if (target > load.clients.length) await load.addClients(target - load.clients.length)
      else await load.removeClients(load.clients.length - target)
      const ramp = await load.closeWindow()
      let window: WindowReport | undefined
      // One window per step: the interval is longer than the step.
      const ms = stepDuration(target, init.rate, init.stepMs)
      await load.run(ms, ms * 2, (w) => (window = w))
      const step = { clients: target, ramp, window: window!, ...judgeStep(ramp, window!) }
      steps.push(step)
      log(formatWindow(step.window))
      for (const line of [...step.broke, ...step.notes]) log(`         ${line}`)
      lastStepMs = performance.now() - stepStart
      if (measureAgain(step, again)) {
        again = true
        log(
          `         measuring ${target} clients again: the machine, not the relay, may have broken it`,
        )
        continue
      }
      again = false
      const broke = step.broke.length > 0
      if (broke && !lookingDown && steps.length === 1 && target > 1) {
        // Nothing held yet: look below the first step.
        lookingDown = true
        target = Math.floor(target / 2)
      } else if (broke && lookingDown && target > 1) target = Math.floor(target / 2)
      else if (broke || lookingDown) {
        stopped = 'broke'
        break
      } else target += init.step
    }
  } finally {
    await load.stop()
    await net.stop()
  }
  const held = steps
    .filter((s) => s.broke.length === 0)
    .reduce<LimitStep | undefined>(
      (a, s) => (a === undefined || s.clients > a.clients ? s : a),
      undefined,
    )
  // The smallest step that broke above what held.
  const broken = steps
    .filter((s) => s.broke.length > 0 && s.clients > (held?.clients ?? 0))
    .reduce<LimitStep | undefined>(
      (a, s) => (a === undefined || s.clients < a.clients ? s : a),
      undefined,
    )
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
    brokeAt: broken?.clients ?? null,
    broke: broken?.broke ?? [],
    stopped,
    seconds: (performance.now() - started) / 1000,
    machine: machine(),
  }
}

/** The search's result in words. */
export function formatLimit(s: LimitSummary): string {
  const upTo = s.steps.at(-1)?.clients ?? 0
  const where =
    s.brokeAt !== null
      ? `broke at ${s.brokeAt} clients: ${s.broke.join('; ')}`
      : s.stopped === 'time'
        ? `no step broke up to ${upTo} clients, then the time allowed ran out`
        : `no step broke up to ${upTo} clients`
  return `${s.relays} relay(s): ${s.held === null ? 'no step held' : `held ${s.held} clients`}; ${where}; machine load ${s.machine.loadAverage.join(' ')}`
}
