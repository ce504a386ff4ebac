/**
 * The vote on a name's holder (`countHolderVotes`): one vote per address block, for the holder
 * most of the block's servers returned, in Node and in the browser alike.
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { deepEqual, equal } from '../support/assert.ts'
import { countHolderVotes, type HolderAnswer } from '../../src/core/records/index.ts'

const answer = (holder: string, server: string, block: string): HolderAnswer => ({
  holder,
  server,
  block,
})

describe('the vote on who holds a name', () => {
  it('gives many servers of one block one vote', () => {
    const result = countHolderVotes([
      answer('rogue', 'x1', 'B'),
      answer('rogue', 'x2', 'B'),
      answer('rogue', 'x3', 'B'),
      answer('owner', 'h1', 'H1'),
      answer('owner', 'h2', 'H2'),
    ])
    equal(result.winner, 'owner')
    deepEqual(result.counts, [
      { holder: 'owner', servers: 2, votes: 2 },
      { holder: 'rogue', servers: 3, votes: 1 },
    ])
  })

  it('gives a block’s vote to the holder most of its servers returned', () => {
    const result = countHolderVotes([
      answer('owner', 'a', 'B'),
      answer('owner', 'b', 'B'),
      answer('rogue', 'c', 'B'),
    ])
    equal(result.winner, 'owner')
  })

  it('declares no winner on a tie, and a block split evenly casts no vote', () => {
    equal(countHolderVotes([answer('a', 's1', 'B1'), answer('b', 's2', 'B2')]).winner, undefined)
    const split = countHolderVotes([answer('a', 's1', 'B'), answer('b', 's2', 'B')])
    equal(split.winner, undefined)
    deepEqual(
      split.counts.map((c) => c.votes),
      [0, 0],
    )
    equal(countHolderVotes([]).winner, undefined)
  })

  it('counts a server once however often it answered', () => {
    const result = countHolderVotes([
      answer('rogue', 'x', 'B1'),
      answer('rogue', 'x', 'B1'),
      answer('owner', 'h', 'B1'),
      answer('owner', 'h2', 'B1'),
    ])
    equal(result.winner, 'owner')
  })
})
