/**
 * The simulation's real-time bound (`--minutes`, `wallLimitMs`) bounds the whole run, a phase
 * under way included: when the time is up the run stops at once and reports what it simulated,
 * beside what it was asked for. One operation of a run (a lookup, a put, a table refresh, …) is
 * bounded the same way: one that has not ended by its bound fails, is counted, and the run goes
 * on. Asserts behaviour, not time: each run is asked for far more work than it could do, or
 * given a bound no operation can meet, so only the bound can end it.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { runSimulation } from '../../bench/sim/simulation.ts'
import { formatResult } from '../../bench/sim/sim-format.ts'
import { HOUR_MARGIN, RunBound, roomForAnotherHour } from '../../bench/sim/run-bound.ts'

describe('network simulation: the run’s time limit', () => {
  it('stops an hour under way and reports the hours it completed', async () => {
    // One hour of a million lookups: without a bound on the phase under way it never ends.
    const result = await runSimulation({
      nodes: 6,
      churn: 0,
      hours: 1,
      attackers: 0,
      seed: 21,
      names: 1,
      lookupsPerHour: 1_000_000,
      wallLimitMs: 4_000,
    })
    assert.deepEqual(result.planned, { nodes: 6, hours: 1 })
    assert.equal(result.options.nodes, 6)
    assert.equal(result.options.hours, 0)
    assert.equal(result.lookups, 0, 'a cut hour’s lookups are not counted')
    assert.equal(result.recordsAlive, undefined)
    const table = formatResult(result)
    assert.match(table, /simulated 0 of 1 hours, 6 of 6 servers started/)
    assert.match(table, /records alive after 0 h\s+–\s+not measured/)
  })

  it('stops a start-up under way and reports the servers started', async () => {
    const result = await runSimulation({
      nodes: 2_000,
      churn: 0.3,
      hours: 168,
      attackers: 0.1,
      seed: 22,
      wallLimitMs: 1_500,
    })
    assert.ok(result.options.nodes < 2_000, `${result.options.nodes} servers started`)
    assert.equal(result.options.hours, 0)
    assert.match(
      formatResult(result),
      new RegExp(`simulated 0 of 168 hours, ${result.options.nodes} of 2000 servers started`),
    )
  })

  it('starts another hour only with a margin for it and the final lookups', () => {
    // The last hour took 60 s and the final lookups should take 10 s.
    assert.ok(roomForAnotherHour(1_000, undefined, 10_000), 'the first hour always starts')
    assert.ok(HOUR_MARGIN > 1)
    assert.equal(
      roomForAnotherHour(70_000, 60_000, 10_000),
      false,
      'no room left for a slower hour',
    )
    assert.equal(roomForAnotherHour(HOUR_MARGIN * 70_000 - 1, 60_000, 10_000), false)
    assert.ok(roomForAnotherHour(HOUR_MARGIN * 70_000, 60_000, 10_000))
  })

  it('fails an operation that never ends at its bound and goes on', async () => {
    const bound = new RunBound(undefined, () => undefined)
    let cut = 0
    let seen: AbortSignal | undefined
    // Nothing ends this wait, and nothing else holds the process open: without the guard's own
    // timer the spec would end with its promise still pending.
    const stuck = await bound.guard(
      20,
      (signal) => {
        seen = signal
        return new Promise<string>(() => undefined)
      },
      () => cut++,
    )
    assert.equal(stuck, undefined)
    assert.equal(cut, 1)
    assert.equal(seen?.aborted, true, 'the operation is told it was cut')
    assert.equal(
      await bound.guard(
        60_000,
        async () => 'answered',
        () => cut++,
      ),
      'answered',
    )
    await assert.rejects(
      bound.guard(
        60_000,
        async () => Promise.reject(new RangeError('refused')),
        () => cut++,
      ),
      'RangeError',
    )
    assert.equal(cut, 1, 'an operation that ended in time is not cut')
    bound.dispose()
  })

  it('reports the operations its bound cut, and still simulates every hour', async () => {
    // A bound of 1 ms: every lookup, put and table refresh is cut.
    const result = await runSimulation({
      nodes: 6,
      churn: 0,
      hours: 1,
      attackers: 0,
      seed: 23,
      names: 1,
      lookupsPerHour: 2,
      timeoutMs: 1,
    })
    assert.equal(result.options.hours, 1)
    assert.ok(result.counts.cut['table refresh'] > 0, JSON.stringify(result.counts.cut))
    assert.equal(result.lookupsCut, 3)
    assert.match(
      formatResult(result),
      /operations cut at their real-time bound[^\n]*table refresh \d/,
    )
  })
})
