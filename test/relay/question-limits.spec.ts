/**
 * The per-peer and per-source budgets of `/an/mirror/1.0.0` status questions, counted at
 * chosen times.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { QuestionLimits } from '../../relay-node/src/mirror/question-limits.ts'

describe('mirror status question limits', () => {
  it('refuses a peer over its open streams until one is released', () => {
    const limits = new QuestionLimits({ streamsPerPeer: 2 })
    const a = limits.admit('p', 's', 0)
    const b = limits.admit('p', 's', 0)
    assert.equal(limits.admit('p', 's', 0), 'streams-per-peer')
    assert.notEqual(typeof limits.admit('q', 's', 0), 'string')
    if (typeof a === 'string' || typeof b === 'string') throw new Error('not admitted')
    a.release()
    a.release()
    assert.notEqual(typeof limits.admit('p', 's', 0), 'string')
  })

  it('refuses a peer over its questions per minute, and refills with time', () => {
    const limits = new QuestionLimits({ questionsPerMinutePerPeer: 3, streamsPerPeer: 100 })
    for (let i = 0; i < 3; i++) assert.notEqual(typeof limits.admit('p', 's', 0), 'string')
    assert.equal(limits.admit('p', 's', 0), 'questions-per-peer')
    assert.notEqual(typeof limits.admit('other', 's', 0), 'string')
    assert.notEqual(typeof limits.admit('p', 's', 20_000), 'string')
  })

  it('refuses the peers of one source together over its questions per minute', () => {
    const limits = new QuestionLimits({ questionsPerMinutePerSource: 4 })
    for (let i = 0; i < 4; i++) assert.notEqual(typeof limits.admit(`p${i}`, 's', 0), 'string')
    assert.equal(limits.admit('p9', 's', 0), 'questions-per-source')
    assert.notEqual(typeof limits.admit('p9', 'elsewhere', 0), 'string')
  })

  it('lets a peer have only its budget of records checked', () => {
    const limits = new QuestionLimits({ recordsPerMinutePerPeer: 100 })
    assert.equal(limits.recordsToCheck('p', 60, 0), 60)
    assert.equal(limits.recordsToCheck('p', 60, 0), 40)
    assert.equal(limits.recordsToCheck('p', 60, 0), 0)
    assert.equal(limits.recordsToCheck('q', 60, 0), 60)
    assert.equal(limits.recordsToCheck('p', 60, 30_000), 50)
  })

  it('says to close a peer refused too often within a minute', () => {
    const limits = new QuestionLimits({ refusalsBeforeClose: 3 })
    assert.equal(limits.refused('p', 0), false)
    assert.equal(limits.refused('p', 0), false)
    assert.equal(limits.refused('p', 0), false)
    assert.equal(limits.refused('p', 0), true)
    assert.equal(limits.refused('p', 60_000), false)
  })
})
