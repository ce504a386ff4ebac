/**
 * The page's budget of CARs under way per mirror (`car-slots.ts`): past the budget a CAR waits
 * its turn, first asked first begun; a mirror's budget is its own; a CAR whose file is given up
 * while it waits leaves the queue, and its turn goes to the next.
 */
import { CarSlots, type CarSlot } from '../../src/net/fetch/car-slots.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

const A = 'http://127.0.0.1:1'
const B = 'http://127.0.0.1:2'

describe('the page’s budget of CARs per mirror', () => {
  it('begins CARs past the budget in the order asked, as earlier ones end', async () => {
    const slots = new CarSlots(2)
    const first = await slots.take(A)
    const second = await slots.take(A)
    assert.equal(slots.free(A), false)
    const begun: string[] = []
    const third = slots.take(A).then((slot) => (begun.push('third'), slot))
    const fourth = slots.take(A).then((slot) => (begun.push('fourth'), slot))
    assert.equal(slots.load(A), 4, 'two under way, two waiting')
    // Another mirror has a budget of its own.
    assert.equal(slots.free(B), true)
    ;(await slots.take(B))()
    await Promise.resolve()
    assert.deepEqual(begun, [])
    first()
    first() // given back once only
    const thirdSlot = await third
    assert.deepEqual(begun, ['third'])
    assert.equal(slots.load(A), 3)
    second()
    const fourthSlot = await fourth
    assert.deepEqual(begun, ['third', 'fourth'])
    thirdSlot()
    fourthSlot()
    assert.equal(slots.load(A), 0)
    assert.equal(slots.free(A), true)
  })

  it('drops a waiting CAR whose file is given up, and hands its turn on', async () => {
    const slots = new CarSlots(1)
    const held = await slots.take(A)
    const giveUp = new AbortController()
    const abandoned = slots.take(A, giveUp.signal)
    const next = slots.take(A)
    giveUp.abort(new Error('the reader went away'))
    assert.match(String(await assert.rejects(abandoned)), /the reader went away/)
    assert.equal(slots.load(A), 2, 'one under way, one waiting')
    held()
    const slot: CarSlot = await next
    assert.equal(slots.load(A), 1)
    slot()
    assert.equal(slots.load(A), 0)
    assert.match(String(await assert.rejects(slots.take(A, giveUp.signal))), /the reader went away/)
  })
})
