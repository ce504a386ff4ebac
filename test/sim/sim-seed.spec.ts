/**
 * One seed, one run: two simulations with the same seed print the same outcomes (lookup success,
 * hops, hijacks, roll-backs, records alive, publishes, honest stores captured, sites), with churn
 * and every kind of Sybil. Not compared: the traffic and real-time figures printed apart
 * (sim-format.ts says why). Asserts behaviour, not time.
 */
import { describe, it, before } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { runSimulation, type SimOptions } from '../../bench/sim/simulation.ts'
import { formatOutcomes } from '../../bench/sim/sim-format.ts'

const OPTIONS: SimOptions = {
  nodes: 8,
  churn: 0.25,
  hours: 2,
  attackers: 0.5,
  seed: 31,
  names: 2,
  lookupsPerHour: 3,
  ownerRepublishHours: 1,
}

describe('network simulation: one seed, one run', () => {
  const tables: string[] = []

  before(async () => {
    for (let i = 0; i < 2; i++) tables.push(formatOutcomes(await runSimulation(OPTIONS)))
  })

  it('prints the same outcomes for the same seed, hops included', () => {
    assert.equal(tables[1], tables[0])
    assert.match(tables[0], /hops p50 \/ p95\s+\d+ \/ \d+/)
    assert.match(tables[0], /8 DHT servers \(4 Sybil\), churn 25\.00 %\/h, 2 simulated h/)
  })
})
