/**
 * One seed, one run: two simulations with the same seed print the same outcomes (lookup success,
 * hijacks, roll-backs, records alive, publishes, honest stores captured, sites), with churn and
 * every kind of Sybil. Not compared: the hops (a lookup's hop count is that of the nearest
 * server whose answer came back, and which servers a routing table holds when a query starts
 * follows the order concurrent answers arrive in), and the traffic and real-time figures printed
 * apart (sim-result.ts says why). Asserts behaviour, not time.
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

/** The outcome lines, the hops masked. */
const outcomes = (table: string): string =>
  table.replace(/(hops p50 \/ p95\s+)\S+ \/ \S+/, '$1· / ·')

describe('network simulation: one seed, one run', () => {
  const tables: string[] = []

  before(async () => {
    for (let i = 0; i < 2; i++) tables.push(outcomes(formatOutcomes(await runSimulation(OPTIONS))))
  })

  it('prints the same outcomes for the same seed', () => {
    assert.equal(tables[1], tables[0])
    assert.match(tables[0], /8 DHT servers \(4 Sybil\), churn 25\.00 %\/h, 2 simulated h/)
  })
})
