/**
 * `RecentVersions` on its own, with its clock in hand: an older version arriving just after a
 * newer one was taken is a lost race (ignored), and a replay otherwise (rejected): once the
 * race is over, when it is no newer than the version held before, or when nothing is known of
 * when the held version came. The same version signed again is ignored. The live specs show it
 * between real nodes (live-validation.spec.ts) and in a relay process (live-race.spec.ts).
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { RecentVersions } from '../../src/net/live/recent-versions.ts'

const RACE_MS = 10_000

function setUp(maxKeys?: number) {
  let now = 0
  const versions = new RecentVersions({
    raceMs: RACE_MS,
    ...(maxKeys === undefined ? {} : { maxKeys }),
    now: () => now,
  })
  return { versions, advance: (ms: number) => (now += ms) }
}

describe('telling a lost race from a replay', () => {
  it('ignores a version between the previous and the held one within the race', () => {
    const { versions, advance } = setUp()
    versions.took('site', 1)
    versions.took('site', 3)
    advance(RACE_MS - 1)
    assert.deepEqual(versions.judgeOlder('site', 2, 3), { verdict: 'ignore', reason: 'lost-race' })
  })

  it('rejects the same version once the race is over', () => {
    const { versions, advance } = setUp()
    versions.took('site', 1)
    versions.took('site', 3)
    advance(RACE_MS)
    assert.equal(versions.judgeOlder('site', 2, 3).verdict, 'reject')
  })

  it('rejects a version no newer than the one held before, even within the race', () => {
    const { versions } = setUp()
    versions.took('site', 2)
    versions.took('site', 3)
    assert.deepEqual(versions.judgeOlder('site', 2, 3), { verdict: 'reject', reason: 'rollback' })
    assert.equal(versions.judgeOlder('site', 1, 3).verdict, 'reject')
  })

  it('takes the previous version from the caller when it knows it', () => {
    const { versions } = setUp()
    versions.took('site', 5, 4)
    assert.equal(versions.judgeOlder('site', 4, 5).verdict, 'reject')
  })

  it('rejects when it does not know when the held version came', () => {
    const { versions } = setUp()
    assert.equal(versions.judgeOlder('site', 2, 3).verdict, 'reject')
    versions.took('site', 3)
    assert.equal(versions.judgeOlder('site', 1, 4).verdict, 'reject', 'another version is held')
  })

  it('keeps the time a version was first taken when it is stored again', () => {
    const { versions, advance } = setUp()
    versions.took('site', 1)
    versions.took('site', 3)
    advance(RACE_MS)
    versions.took('site', 3)
    assert.equal(versions.judgeOlder('site', 2, 3).verdict, 'reject')
  })

  it('ignores the held version signed again', () => {
    const { versions } = setUp()
    assert.deepEqual(versions.judgeOlder('site', 3, 3), {
      verdict: 'ignore',
      reason: 'same-version',
    })
  })

  it('remembers a bounded number of sites, forgetting the earliest', () => {
    const { versions } = setUp(2)
    for (const site of ['a', 'b', 'c']) {
      versions.took(site, 1)
      versions.took(site, 3)
    }
    assert.equal(versions.judgeOlder('a', 2, 3).verdict, 'reject', 'the earliest was kept')
    assert.equal(versions.judgeOlder('c', 2, 3).verdict, 'ignore')
  })
})
