/**
 * The eclipse scenario of the network simulation, short: Sybil servers whose keys are ground
 * into one name's key neighbourhood (so every put of the name reaches them and every lookup of
 * it asks them), every one pushing and answering with a back-dated rival, all from one address
 * block, and each holds a back-dated rival of the name before its owner first publishes it;
 * honest servers each answer from their own. Asserts behaviour, not time: the Sybils sit among
 * the name's closest servers, yet the owner's first record is stored by honest servers, lookups
 * of it find its holder's record and never the rival, no honest server holds the rival, and the
 * puts' root look-ups are counted beside them.
 */
import { describe, it, before } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { commonPrefixBits, eclipseBits } from '../../bench/sim/eclipse.ts'
import { runSimulation } from '../../bench/sim/simulation.ts'
import type { SimResult } from '../../bench/sim/sim-result.ts'

describe('network simulation: an eclipsed name (short)', () => {
  let result: SimResult

  before(async () => {
    result = await runSimulation({
      nodes: 24,
      churn: 0,
      hours: 1,
      attackers: 0.25,
      seed: 7,
      names: 1,
      lookupsPerHour: 1,
      republishHours: 2,
      // kad-dht's table refresh (a self-query and one query per bucket, every server) was half
      // the run's real time and none of what is asserted: the tables the servers built at
      // start-up are what the eclipse is tried against. One server of 24 refreshes in hour 1.
      refreshHours: 24,
      eclipse: true,
      eclipseLookupsPerHour: 4,
      sybilBlocks: 1,
    })
  })

  it('counts the leading bits two IDs share, and asks more of a larger network', () => {
    const a = new Uint8Array(32)
    const b = new Uint8Array(32)
    assert.equal(commonPrefixBits(a, b), 256)
    b[1] = 0b0010_0000
    assert.equal(commonPrefixBits(a, b), 10)
    assert.ok(eclipseBits(500) > eclipseBits(24))
  })

  it('grinds every Sybil into the name’s closest servers', () => {
    assert.equal(result.sybils, 6)
    assert.equal(result.eclipse?.sybilsAmongClosest, 6, JSON.stringify(result.eclipse))
  })

  it('finds the holder’s record in lookups of the eclipsed name, and never the rival', () => {
    assert.equal(result.eclipse?.lookups, 4)
    // A lookup that runs out of its real-time budget on a loaded machine finds nothing; none
    // may find the rival.
    assert.ok((result.eclipse?.success ?? 0) > 0, JSON.stringify(result.eclipse))
    assert.equal(result.namesHijacked, 0, JSON.stringify(result))
  })

  it('stores the owner’s first record of the eclipsed name on honest servers, though every Sybil held a rival first', () => {
    const first = result.firstPublish
    assert.ok(first !== undefined && (first.eclipsed ?? 0) > 0, JSON.stringify(first))
    assert.equal(first.heldByNoHonest, 0, JSON.stringify(first))
  })

  it('leaves no honest server holding the rival', () => {
    assert.equal(result.eclipse?.captured, 0)
    assert.equal(result.storesCaptured, 0)
  })

  it('keeps the eclipsed site whole on the relay it was published through', () => {
    assert.deepEqual(
      { sites: result.content.sites, complete: result.content.complete },
      { sites: 1, complete: 1 },
    )
  })

  it('counts the root look-ups the puts cost', () => {
    assert.ok(result.counts.puts > 0)
    assert.ok(result.counts.rootLookups > 0, JSON.stringify(result.counts))
    assert.ok(result.counts.distinctLookups <= result.counts.rootLookups)
  })
})
