/**
 * `LiveCutOff` on its own, with its clock in hand: a graylisted neighbour that keeps sending
 * frames is hung up on once and refused for the cut-off time, then let in again; one that sends
 * little, or that GossipSub still accepts, is never cut off; an address block is refused once
 * three of its neighbours are cut off within its window, and twice as long when it is refused
 * again soon after. GossipSub's own check of a frame
 * (`acceptFrom`) is played by a table of graylisted peers; the real router is in
 * live-flood.spec.ts.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { LiveCutOff } from '../../relay-node/src/live/live-cut-off.ts'

const BURST = 10
const CUT_OFF_MS = 60_000

const STRIKES = 3
const SOURCE_CUT_OFF_MS = 10_000

function setUp() {
  let now = 0
  const graylisted = new Set<string>()
  const hungUp: string[] = []
  const blocks: string[] = []
  const router = { acceptFrom: (id: string) => !graylisted.has(id) }
  const cutOff = new LiveCutOff({
    gossip: router as unknown as GossipSub,
    hangUp: async (peer) => {
      hungUp.push(peer)
    },
    // Neighbours named `block/peer` connect from `block`; others have no block (relayed).
    sourceOf: (peer) => (peer.includes('/') ? peer.split('/')[0] : undefined),
    onCutOff: (_, source) => {
      if (source !== undefined) blocks.push(source)
    },
    graylistedRate: { perSecond: 1, burst: BURST },
    cutOffMs: CUT_OFF_MS,
    sourceStrikes: STRIKES,
    sourceCutOffMs: SOURCE_CUT_OFF_MS,
    now: () => now,
  })
  cutOff.start()
  return {
    cutOff,
    graylisted,
    hungUp,
    blocks,
    /** GossipSub's check of `n` frames from `id`: how many it accepted. */
    frames: (id: string, n: number): number => {
      let accepted = 0
      for (let i = 0; i < n; i++) if (router.acceptFrom(id)) accepted++
      return accepted
    },
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('cutting off a flooding neighbour', () => {
  it('hangs up once on a graylisted neighbour that keeps sending, and refuses it meanwhile', () => {
    const { cutOff, graylisted, hungUp, frames } = setUp()
    graylisted.add('flooder')
    assert.equal(frames('flooder', BURST), 0)
    assert.deepEqual(hungUp, [], 'cut off within its allowance')
    assert.ok(!cutOff.refuses('flooder'))
    frames('flooder', 5 * BURST)
    assert.deepEqual(hungUp, ['flooder'])
    assert.ok(cutOff.refuses('flooder'), 'not refused after the cut-off')
  })

  it('lets a cut-off neighbour in again once the cut-off time is over', () => {
    const { cutOff, graylisted, hungUp, frames, advance } = setUp()
    graylisted.add('flooder')
    frames('flooder', 2 * BURST)
    assert.ok(cutOff.refuses('flooder'))
    advance(CUT_OFF_MS - 1)
    assert.ok(cutOff.refuses('flooder'), 'let in early')
    graylisted.delete('flooder')
    assert.equal(frames('flooder', 1), 0, 'a frame read while it was cut off')
    advance(1)
    assert.ok(!cutOff.refuses('flooder'))
    assert.equal(frames('flooder', 1), 1)
    assert.equal(hungUp.length, 1)
  })

  it('keeps a graylisted neighbour that sends little', () => {
    const { cutOff, graylisted, hungUp, frames, advance } = setUp()
    graylisted.add('slow')
    for (let second = 0; second < 100; second++) {
      frames('slow', 1)
      advance(1000)
    }
    assert.deepEqual(hungUp, [])
    assert.ok(!cutOff.refuses('slow'))
  })

  it('refuses a block once three of its neighbours are cut off, for a while', () => {
    const { cutOff, graylisted, blocks, frames, advance } = setUp()
    const flood = (peer: string): void => {
      graylisted.add(peer)
      frames(peer, 2 * BURST)
    }
    flood('a/1')
    flood('a/2')
    flood('b/1')
    flood('relayed')
    assert.ok(!cutOff.refusesSource('a'), 'a block refused after two of its neighbours')
    flood('a/3')
    assert.deepEqual(blocks, ['a'])
    assert.ok(cutOff.refusesSource('a'))
    assert.ok(!cutOff.refusesSource('b'), 'a block refused for one neighbour')
    advance(SOURCE_CUT_OFF_MS)
    assert.ok(!cutOff.refusesSource('a'), 'a block refused past its time')
    assert.ok(cutOff.refuses('a/1'), 'a neighbour let in with its block')
  })

  it('refuses a block that floods again soon after for twice as long, up to the cut-off time', () => {
    const { cutOff, graylisted, blocks, frames, advance } = setUp()
    let n = 0
    const strikeThrice = (): void => {
      for (let i = 0; i < STRIKES; i++) {
        graylisted.add(`a/${++n}`)
        frames(`a/${n}`, 2 * BURST)
      }
    }
    const refusedFor = (): number => {
      let ms = 0
      while (cutOff.refusesSource('a')) {
        advance(SOURCE_CUT_OFF_MS / 2)
        ms += SOURCE_CUT_OFF_MS / 2
      }
      return ms
    }
    const times: number[] = []
    for (let round = 0; round < 4; round++) {
      strikeThrice()
      times.push(refusedFor())
    }
    assert.equal(blocks.length, 4)
    assert.deepEqual(
      times,
      [1, 2, 4, 6].map((k) => k * SOURCE_CUT_OFF_MS),
    )
    // Calm for the cut-off time: back to the shortest refusal.
    advance(CUT_OFF_MS)
    strikeThrice()
    assert.equal(refusedFor(), SOURCE_CUT_OFF_MS)
  })

  it('counts only the cut-offs of a block within its window', () => {
    const { cutOff, graylisted, blocks, frames, advance } = setUp()
    for (const peer of ['a/1', 'a/2', 'a/3']) {
      graylisted.add(peer)
      frames(peer, 2 * BURST)
      advance(SOURCE_CUT_OFF_MS / 2)
    }
    assert.deepEqual(blocks, [])
    assert.ok(!cutOff.refusesSource('a'))
  })

  it('never cuts off a neighbour GossipSub accepts, however much it sends', () => {
    const { cutOff, hungUp, frames } = setUp()
    assert.equal(frames('busy', 100 * BURST), 100 * BURST)
    assert.deepEqual(hungUp, [])
    assert.ok(!cutOff.refuses('busy'))
  })
})
