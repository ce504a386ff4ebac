/**
 * The relay's rate per source (mirrored blocks over HTTP among its users): a network that spends
 * its whole allowance leaves every other network's untouched, and gets its own back with time.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { KeyedRateLimit } from '../../relay-node/src/keyed-rate-limit.ts'

describe('a rate kept per source', () => {
  it('a hostile source past its rate does not starve another', () => {
    let now = 0
    const limit = new KeyedRateLimit({ perSecond: 64, burst: 256, now: () => now })
    let taken = 0
    while (limit.take('ip4:203.0.113.0/24')) taken++
    assert.equal(taken, 256, 'the hostile network gets its burst, then nothing')
    assert.equal(limit.take('ip4:203.0.113.0/24', 64), false)
    for (let i = 0; i < 256; i++)
      assert.ok(limit.take('ip4:198.51.100.0/24'), `the honest network's block ${i} is served`)
    now += 1000
    assert.ok(
      limit.take('ip4:203.0.113.0/24', 64),
      'a second later the hostile network has 64 again',
    )
    assert.equal(limit.take('ip4:203.0.113.0/24'), false)
  })
})
