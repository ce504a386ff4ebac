/**
 * The servers' republish rounds under churn, short: ten honest servers, 30 % of them replaced
 * every simulated hour, and owners who sign nothing new within the run, so only the servers'
 * re-puts carry each record to the servers that join. Every record is still found at the end,
 * while a share of the re-puts is skipped: a server does not re-put a record another holder put
 * to it since its previous round (relay-node/src/republish.ts). Asserts behaviour, not time.
 */
import { describe, it, before } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { runSimulation } from '../../bench/sim/simulation.ts'
import type { SimResult } from '../../bench/sim/sim-result.ts'

describe('network simulation: republishing under churn (short)', () => {
  let result: SimResult

  before(async () => {
    result = await runSimulation({
      nodes: 10,
      churn: 0.3,
      hours: 3,
      attackers: 0,
      seed: 16,
      names: 3,
      lookupsPerHour: 3,
      // Each server refreshes its routing table every other hour (kad-dht's upkeep, half of the
      // run's CPU when every server ran it every hour): what is asserted is the re-puts'.
      refreshHours: 2,
    })
  })

  it('keeps every record alive with the servers’ re-puts alone', () => {
    assert.equal(result.options.hours, 3)
    assert.ok(result.counts.republished > 0, 'no server re-put a record')
    assert.equal(result.recordsAlive, 1, JSON.stringify(result))
    assert.equal(result.success, 1, JSON.stringify(result))
  })

  it('skips a share of the re-puts: another holder already put the record', () => {
    // Each server re-puts a record the first round it sees it (hour 1: all of them; later, the
    // servers that joined), then skips it while another holder re-puts it.
    const { republished, republishSkipped } = result.counts
    assert.ok(
      republishSkipped * 3 >= republished + republishSkipped,
      `${republished} records re-put and ${republishSkipped} skipped`,
    )
  })
})
