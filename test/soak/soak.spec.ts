/**
 * The relay soak, short: three real relay processes forming one network, ten WebSocket clients
 * spread over them holding reservations and publishing, resolving and fetching a mirrored site
 * for 20 s. Asserts behaviour, not time: every client got its reservation, every kind of
 * operation ran, every operation completed and none failed. Plus the breaking-point search's
 * judgement of a step, on made-up windows.
 */
import { describe, it, before } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { runSoak } from '../../bench/soak/run-soak.ts'
import type { SoakSummary } from '../../bench/soak/soak-report.ts'
import type { WindowReport } from '../../bench/soak/soak-load.ts'
import {
  judgeStep,
  measureAgain,
  LIMIT_MAX_STEP_FACTOR,
  LIMIT_MIN_RESOLVES,
  LIMIT_P95_RESOLVE_MS,
  stepDuration,
} from '../../bench/soak/find-limit.ts'
import { OP_MIX } from '../../bench/soak/soak-load.ts'

const CLIENTS = 10
/** Generous: the spec asserts what completed, not how fast; a loaded machine is slow. */
const OP_TIMEOUT_MS = 60_000

describe('relay soak (short)', () => {
  let summary: SoakSummary
  const lines: string[] = []

  before(async () => {
    summary = await runSoak({
      relays: 3,
      clients: CLIENTS,
      durationMs: 20_000,
      rate: 12,
      intervalMs: 10_000,
      opTimeoutMs: OP_TIMEOUT_MS,
      log: (line) => lines.push(line),
    })
  })

  it('every client holds a reservation and every operation completes without an error', () => {
    assert.equal(
      summary.errorCount,
      0,
      `${JSON.stringify(summary.errorExamples)}\n${lines.join('\n')}`,
    )
    assert.equal(summary.latency.reserve.count, CLIENTS)
    for (const kind of ['publish', 'resolve', 'fetch'])
      assert.ok(summary.latency[kind].count > 0, `no ${kind} ran`)
    assert.equal(summary.succeeded, summary.completed)
  })

  it('measures each relay: memory, handles and connections', () => {
    assert.equal(summary.relaySummaries.length, 3)
    for (const r of summary.relaySummaries) {
      assert.ok(r.rssMiB.last > 0)
      assert.ok(r.handles.last > 0)
      // Each relay holds at least its own clients' connections.
      assert.ok(r.maxConnections >= Math.floor(CLIENTS / 3), `${r.maxConnections} connections`)
    }
  })
})

describe('breaking-point search', () => {
  const window = (over: Partial<WindowReport> = {}): WindowReport => ({
    at: 10,
    seconds: 10,
    clients: 10,
    completed: 100,
    succeeded: 100,
    opsPerSecond: 10,
    latency: {
      reserve: { count: 0 },
      publish: { count: 20, p50: 5, p95: 10 },
      resolve: { count: 50, p50: 5, p95: 10 },
      fetch: { count: 30, p50: 5, p95: 10 },
    },
    errors: {},
    relays: [{ rssMiB: 200, handles: 40, connections: 10, reservations: 10, cpu: 0.1 }],
    loadCpu: 0.2,
    loopDelayP95Ms: 1,
    ...over,
  })

  it('holds a step within every threshold', () => {
    assert.deepEqual(judgeStep(window({ completed: 0 }), window()).broke, [])
  })

  it('names what broke: errors, resolve latency, reservations', () => {
    const slow = window({
      latency: { ...window().latency, resolve: { count: 50, p95: LIMIT_P95_RESOLVE_MS + 1 } },
      errors: { 'resolve: timeout': 5 },
    })
    const ramp = window({ completed: 0, errors: { 'reserve: timeout': 2 } })
    const broke = judgeStep(ramp, slow).broke.map((b) => b.split(':')[0])
    assert.deepEqual(broke, ['errors', 'latency', 'connections'])
  })

  it('measures a step again once when only its latency broke while the machine ran late', () => {
    const late = window({
      latency: { ...window().latency, resolve: { count: 50, p95: LIMIT_P95_RESOLVE_MS + 1 } },
      loopDelayP95Ms: LIMIT_P95_RESOLVE_MS,
    })
    const step = { window: late, broke: judgeStep(window({ completed: 0 }), late).broke }
    assert.equal(measureAgain(step, false), true)
    assert.equal(measureAgain(step, true), false, 'once only')
    const quiet = window({ ...late, loopDelayP95Ms: 1 })
    assert.equal(measureAgain({ window: quiet, broke: step.broke }, false), false)
    const errors = { window: late, broke: [...step.broke, 'errors: 5 %'] }
    assert.equal(measureAgain(errors, false), false, 'errors count at once')
  })

  it('runs a step long enough for its resolve p95 to rest on enough look-ups, within bounds', () => {
    const STEP = 40_000
    // 10 clients at 6 a minute resolve 0.5 a second: 40 resolves take 80 s.
    const ms = stepDuration(10, 6, STEP)
    assert.equal(Math.round((ms / 60_000) * 10 * 6 * OP_MIX.resolve), LIMIT_MIN_RESOLVES)
    assert.ok(ms > STEP, `${ms} ms`)
    assert.equal(stepDuration(1, 6, STEP), STEP * LIMIT_MAX_STEP_FACTOR)
    assert.equal(stepDuration(1000, 6, STEP), STEP)
  })
})
