/**
 * The documented eviction order of a full mirror store (relay-node/README.md, "Eviction order
 * when full"): sites past their horizon first, then copies beyond this relay's placement, then
 * live sites, each least recently requested first; a site is evicted whole, and nothing at all
 * when even every candidate would not make room.
 */
import { evictionOrder, roomFor } from '../../relay-node/src/mirror/index.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

const candidates = [
  { site: 'live-old:test', lastRequested: 100, pastHorizon: false },
  { site: 'live-new:test', lastRequested: 900, pastHorizon: false },
  { site: 'surplus:test', lastRequested: 950, pastHorizon: false, surplus: true },
  { site: 'lapsed-new:test', lastRequested: 800, pastHorizon: true },
  { site: 'lapsed-old:test', lastRequested: 200, pastHorizon: true },
]
const bytes = (site: string): number => (site.startsWith('live') ? 300 : 100)

describe('mirror eviction order', () => {
  it('evicts sites past their horizon, then surplus copies, then the least recently requested', () => {
    assert.deepEqual(
      evictionOrder(candidates).map((c) => c.site),
      ['lapsed-old:test', 'lapsed-new:test', 'surplus:test', 'live-old:test', 'live-new:test'],
    )
  })

  it('evicts only as many whole sites as the new one needs, and none when it cannot fit', () => {
    assert.deepEqual(roomFor(50, 100, candidates, bytes), [])
    assert.deepEqual(roomFor(250, 100, candidates, bytes), ['lapsed-old:test', 'lapsed-new:test'])
    assert.deepEqual(roomFor(600, 100, candidates, bytes), [
      'lapsed-old:test',
      'lapsed-new:test',
      'surplus:test',
      'live-old:test',
    ])
    assert.equal(roomFor(2000, 100, candidates, bytes), undefined)
  })
})
