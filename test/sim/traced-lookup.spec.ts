/**
 * A lookup's hops (bench/sim/traced-lookup.ts) are counted over the whole query once it ended,
 * not in the order its answers came in: the same query gives the same count however its
 * concurrent answers interleave, so one seed gives one hop figure (test/sim/sim-seed.spec.ts).
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { hopsOf } from '../../bench/sim/traced-lookup.ts'

describe('a simulated lookup’s hops', () => {
  const start = new Set(['a', 'b'])

  it('counts a start peer as hop 1 even when another start peer named it first', () => {
    // `a` answered first and named `b`; `b`, holding the record, answered after.
    const named = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
    ])
    assert.equal(hopsOf(start, named, new Set(['b']), false), 1)
  })

  it('counts a peer named by several at the nearest, and follows names further', () => {
    const named = new Map([
      ['a', ['c']],
      ['c', ['d']],
      ['b', ['d']],
      ['d', []],
    ])
    assert.equal(hopsOf(start, named, new Set(['c']), false), 2)
    assert.equal(hopsOf(start, named, new Set(['d']), false), 2)
    assert.equal(hopsOf(start, named, new Set(['c', 'd', 'a']), false), 1)
  })

  it('is 0 for the node’s own copy and undefined when no server returned a record', () => {
    const named = new Map([['a', ['b']]])
    assert.equal(hopsOf(start, named, new Set(['a']), true), 0)
    assert.equal(hopsOf(start, named, new Set(), false), undefined)
  })

  it('takes a responder no start peer led to as a start peer, as the query did', () => {
    const named = new Map([['x', ['y']]])
    assert.equal(hopsOf(start, named, new Set(['x']), false), 1)
    assert.equal(hopsOf(start, new Map([...named, ['y', []]]), new Set(['y']), false), 2)
  })
})
