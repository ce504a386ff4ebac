/**
 * The simulation's table (bench/sim/sim-result.ts, sim-format.ts): an owner's put stored by no
 * server says what it ended with, a run cut short says what it ran, and the CPU rates are printed
 * apart from the outcomes.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { summarise, type RawRun } from '../../bench/sim/sim-result.ts'
import { formatOutcomes, formatRealTime } from '../../bench/sim/sim-format.ts'

const run = (over: Partial<RawRun>): RawRun => ({
  options: { nodes: 50, churn: 0.3, hours: 2, attackers: 0.1, seed: 1, names: 2 },
  planned: { nodes: 50, hours: 2 },
  sybils: 5,
  startMs: 1000,
  cpu: { startUp: 10, hours: 8 },
  lookups: [],
  final: [],
  bytes: 0,
  refusals: {},
  publishes: [],
  captured: 0,
  stores: 0,
  counts: {
    puts: 0,
    republished: 0,
    republishSkipped: 0,
    republishCapped: 0,
    writesReceived: 0,
    rootLookups: 0,
    distinctLookups: 0,
    shared: { 'cached-found': 0, 'cached-not-found': 0, 'in-flight': 0 },
    cut: { lookup: 0, put: 0, 'table refresh': 0, republish: 0, attack: 0, join: 0, stop: 0 },
  },
  content: { sites: 0, complete: 0, pulls: 0, fewestCopies: 0 },
  ...over,
})

describe('simulation table', () => {
  it('says what the puts stored nowhere ended with', () => {
    const r = summarise(
      run({
        publishes: [
          {
            servers: 0,
            timedOut: false,
            errors: ['StreamResetError: reset', 'StreamResetError: reset'],
          },
          { servers: 12, timedOut: false, errors: ['StreamResetError: reset'] },
        ],
      }),
    )
    assert.deepEqual(r.publishes.whyNowhere, { 'StreamResetError: reset': 2 })
    assert.match(
      formatOutcomes(r),
      /stored nowhere\s+1 \/ 2.*their errors: StreamResetError: reset × 2/,
    )
  })

  it('says what a run cut short ran, and leaves records alive unmeasured', () => {
    const r = summarise(
      run({ options: { ...run({}).options, hours: 1 }, planned: { nodes: 50, hours: 168 } }),
    )
    assert.equal(r.recordsAlive, undefined)
    assert.match(formatOutcomes(r), /simulated 1 of 168 hours, 50 of 50 servers started/)
  })

  it('prints CPU per server started and per simulated hour apart from the outcomes', () => {
    const r = summarise(run({}))
    assert.equal(r.cpu.perServerStarted, 0.2)
    assert.equal(r.cpu.perHour, 4)
    assert.match(
      formatRealTime(r),
      /CPU 0\.20 s per server started, 4\.0 s per simulated hour at 50 servers/,
    )
    assert.ok(!formatOutcomes(r).includes('CPU'))
  })
})
