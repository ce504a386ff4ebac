/**
 * Relays' republish rounds do not all fire at once: each round's delay is drawn within
 * `REPUBLISH_JITTER` of the interval, either way, so among a record's holders one fires first and
 * its put spares the others (republish-skip.spec.ts).
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { REPUBLISH_JITTER } from '../../relay-node/src/constants.ts'
import { jittered } from '../../relay-node/src/republish.ts'

describe('republish round delays', () => {
  it('are drawn around the interval, within the jitter either way', () => {
    const hour = 3_600_000
    const delays = Array.from({ length: 200 }, () => jittered(hour, REPUBLISH_JITTER))
    for (const delay of delays) {
      assert.ok(delay >= hour * (1 - REPUBLISH_JITTER) && delay <= hour * (1 + REPUBLISH_JITTER))
    }
    assert.ok(REPUBLISH_JITTER > 0)
    assert.ok(
      delays.some((d) => d < hour) && delays.some((d) => d > hour),
      'every delay on one side',
    )
    assert.ok(new Set(delays).size > 100, 'holders would fire together')
    assert.equal(
      jittered(hour, REPUBLISH_JITTER, () => 0),
      hour * (1 - REPUBLISH_JITTER),
    )
    assert.equal(jittered(hour, 0), hour)
  })
})
