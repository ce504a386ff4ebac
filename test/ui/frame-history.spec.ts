/**
 * The viewer's back/forward list (`src/ui/frame-history.ts`): documents the site frame reports
 * move along the list when they equal the entry behind or ahead; an address opened from the
 * address bar is always a new visit.
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { equal } from '../support/assert.ts'
import { FrameHistory } from '../../src/ui/frame-history.ts'

const A = 'an://a:site/'
const B = 'an://b:site/'

describe('FrameHistory', () => {
  it('takes a reported document equal to the entry behind as a move back', () => {
    const history = new FrameHistory()
    history.visit(A)
    history.visit(B)
    history.visit(A)
    equal(history.current, A)
    equal(history.canGoBack, false)
    equal(history.canGoForward, true)
  })

  it('takes an address opened from the address bar as a new visit: Back then goes to the one before', () => {
    const history = new FrameHistory()
    history.open(A)
    history.open(B)
    history.open(A)
    equal(history.current, A)
    equal(history.canGoForward, false)
    equal(history.back(), B)
    equal(history.back(), A)
    equal(history.canGoBack, false)
  })

  it('opening the address shown adds nothing', () => {
    const history = new FrameHistory()
    history.open(A)
    history.open(A)
    equal(history.canGoBack, false)
    equal(history.current, A)
  })
})
