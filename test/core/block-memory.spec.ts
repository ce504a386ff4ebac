/**
 * `BlockMemory` on its own, with its clock in hand: an entry is remembered for its time and
 * then forgotten; fresh keys from one address block push out only that block's entries; the
 * memory stays within its total however many blocks write to it, the fullest block giving way;
 * and a key seen again from another block moves there. Its users are specified in
 * net/visit-memory.spec.ts (a host's visit count) and relay/mirror-gone-bound.spec.ts.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { BlockMemory } from '../../src/core/contracts/index.ts'

function setUp(maxPerBlock = 4, maxTotal = 10) {
  let now = 0
  const memory = new BlockMemory({ ttlMs: 1000, maxPerBlock, maxTotal, now: () => now })
  return { memory, advance: (ms: number) => (now += ms) }
}

describe('a memory bounded per address block', () => {
  it('remembers a key for its time, then forgets it', () => {
    const { memory, advance } = setUp()
    memory.remember('a', 'ip4:10.0.0.0/24')
    assert.equal(memory.since('a'), 0)
    advance(999)
    assert.equal(memory.since('a'), 0)
    advance(1)
    assert.equal(memory.since('a'), undefined)
    memory.remember('b', 'ip4:10.0.0.0/24')
    assert.equal(memory.size, 1, 'the expired entry goes when a new one comes')
  })

  it("lets fresh keys from one block push out only that block's entries", () => {
    const { memory, advance } = setUp()
    for (const key of ['h1', 'h2', 'h3']) memory.remember(key, 'ip4:10.0.0.0/24')
    advance(10)
    for (let i = 0; i < 100; i++) memory.remember(`sybil-${i}`, 'ip4:192.0.2.0/24')
    for (const key of ['h1', 'h2', 'h3'])
      assert.equal(memory.since(key), 0, `${key} was pushed out`)
    assert.equal(memory.size, 3 + 4)
    assert.equal(memory.since('sybil-99'), 10, 'the newest of the block stays')
    assert.equal(memory.since('sybil-95'), undefined, 'the earliest of the block goes first')
  })

  it('stays within its total, the fullest block giving way', () => {
    const { memory } = setUp(4, 10)
    for (let b = 0; b < 5; b++)
      for (let i = 0; i < 4; i++) memory.remember(`k-${b}-${i}`, `ip4:10.0.${b}.0/24`)
    assert.equal(memory.size, 10)
    memory.remember('lone', 'ip4:198.51.100.0/24')
    assert.equal(memory.size, 10)
    assert.notEqual(memory.since('lone'), undefined, 'a block with one entry keeps it')
  })

  it('moves a key seen again from another block, and forgets on request', () => {
    const { memory, advance } = setUp(1, 10)
    memory.remember('relay', 'ip4:10.0.0.0/24')
    advance(5)
    memory.remember('relay', 'ip4:10.0.1.0/24')
    assert.equal(memory.since('relay'), 5)
    memory.remember('other', 'ip4:10.0.0.0/24')
    assert.equal(memory.since('relay'), 5, 'its old block no longer counts it')
    assert.ok(memory.forget('relay'))
    assert.ok(!memory.forget('relay'))
    assert.equal(memory.since('relay'), undefined)
  })
})
