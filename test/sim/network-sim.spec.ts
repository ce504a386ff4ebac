/**
 * The network simulation, short: a few honest DHT servers running the relay's own DHT parts and
 * one Sybil server per attack (hijack, roll back, drop, corrupt) for two simulated hours, the
 * holders signing a newer record every hour. Asserts behaviour, not time: every lookup finds
 * the holder's newest record, no name is hijacked or rolled back, and the honest servers
 * refused the Sybils' rival and stale records. Without churn: a server that joins with an empty
 * store takes the first valid record it is offered, a Sybil's included (see the results in
 * bench/reference/ for what churn does).
 */
import { describe, it, before } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { runSimulation } from '../../bench/sim/simulation.ts'
import type { SimResult } from '../../bench/sim/sim-result.ts'
import { formatResult } from '../../bench/sim/sim-format.ts'

describe('network simulation (short)', () => {
  let result: SimResult

  before(async () => {
    result = await runSimulation({
      nodes: 10,
      churn: 0,
      hours: 2,
      attackers: 0.4,
      seed: 15,
      names: 3,
      lookupsPerHour: 3,
      // A newer record every hour, so the rolling-back Sybil has an older one to push.
      ownerRepublishHours: 1,
      republishHours: 2,
    })
  })

  it('runs one Sybil server per attack', () => {
    assert.equal(result.sybils, 4)
  })

  it('finds the holder’s record in every lookup', () => {
    assert.equal(result.success, 1, JSON.stringify(result))
    assert.equal(result.recordsAlive, 1, JSON.stringify(result))
  })

  it("counts the owners' publishes and the servers that took each", () => {
    const { publishes } = result
    assert.ok(publishes.made >= 3, JSON.stringify(publishes))
    assert.equal(publishes.storedNowhere, 0, JSON.stringify(publishes))
    assert.equal(publishes.timedOut, 0, JSON.stringify(publishes))
    assert.ok((publishes.serversP50 ?? 0) >= 1, JSON.stringify(publishes))
    assert.match(formatResult(result), /owners' publishes stored nowhere\s+0 \/ \d+/)
  })

  it('keeps every name’s site whole on its placed mirrors', () => {
    assert.equal(result.content.sites, 3)
    assert.equal(result.content.complete, 3, JSON.stringify(result.content))
  })

  it('lets no Sybil hijack or roll back a name', () => {
    assert.equal(result.namesHijacked, 0, JSON.stringify(result))
    assert.equal(result.namesRolledBack, 0, JSON.stringify(result))
  })

  it('has honest servers refuse the rival and the stale records', () => {
    assert.ok((result.refusals.hijack ?? 0) > 0, JSON.stringify(result.refusals))
    assert.ok((result.refusals.rollback ?? 0) > 0, JSON.stringify(result.refusals))
  })
})
