/**
 * `VisitMemory` on its own, with its clock in hand, at its real limits: a visitor counts once
 * per site within `VISIT_REPEAT_MS`; a stranger making fresh peer IDs from one address block
 * pushes out only that block's visitors, never another block's; and the memory stays within
 * `MAX_VISITS_REMEMBERED` however many blocks visit. The host's counting in a browser is
 * e2e/ui-visits-served.spec.ts.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { VisitMemory } from '../../src/net/hosting/visit-memory.ts'
import {
  MAX_VISITS_PER_BLOCK,
  MAX_VISITS_REMEMBERED,
  VISIT_REPEAT_MS,
} from '../../src/net/hosting/constants.ts'

function setUp() {
  let now = 0
  const memory = new VisitMemory({ now: () => now })
  return { memory, advance: (ms: number) => (now += ms) }
}

describe('the visitors a host remembers', () => {
  it('counts a visitor once per site within the repeat time', () => {
    const { memory, advance } = setUp()
    assert.ok(memory.visit('a:code', 'peer', 'ip4:10.0.0.0/24'))
    assert.ok(!memory.visit('a:code', 'peer', 'ip4:10.0.0.0/24'))
    assert.ok(memory.visit('b:code', 'peer', 'ip4:10.0.0.0/24'), 'another site is another visit')
    advance(VISIT_REPEAT_MS - 1)
    assert.ok(!memory.visit('a:code', 'peer', 'ip4:10.0.0.0/24'))
    advance(1)
    assert.ok(memory.visit('a:code', 'peer', 'ip4:10.0.0.0/24'))
  })

  it("lets fresh peer IDs from one block push out only that block's visitors", () => {
    const { memory, advance } = setUp()
    const honest = Array.from({ length: 100 }, (_, i) => `honest-${i}`)
    for (const peer of honest) assert.ok(memory.visit('a:code', peer, 'ip4:10.0.0.0/24'))
    advance(1000)
    for (let i = 0; i < 2 * MAX_VISITS_REMEMBERED; i++)
      memory.visit('a:code', `sybil-${i}`, 'ip4:192.0.2.0/24')
    advance(1000)
    for (const peer of honest)
      assert.ok(!memory.visit('a:code', peer, 'ip4:10.0.0.0/24'), `${peer} was counted again`)
    assert.ok(memory.remembered <= MAX_VISITS_PER_BLOCK + honest.length)
  })

  it('stays within its bound however many blocks visit', () => {
    const { memory } = setUp()
    const blocks = (2 * MAX_VISITS_REMEMBERED) / MAX_VISITS_PER_BLOCK
    for (let b = 0; b < blocks; b++)
      for (let i = 0; i < MAX_VISITS_PER_BLOCK; i++)
        memory.visit('a:code', `peer-${b}-${i}`, `ip4:10.0.${b}.0/24`)
    assert.equal(memory.remembered, MAX_VISITS_REMEMBERED)
  })
})
