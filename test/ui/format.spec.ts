/**
 * The app's counts in words (`src/ui/format.ts`): a count and its noun, plural unless one.
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { equal } from '../support/assert.ts'
import { countOf } from '../../src/ui/format.ts'

describe('a count and its noun', () => {
  it('is singular for one and plural otherwise, zero included', () => {
    equal(countOf(1, 'file'), '1 file')
    equal(countOf(3, 'file'), '3 files')
    equal(countOf(0, 'site'), '0 sites')
  })

  it('takes an irregular plural', () => {
    equal(countOf(1, 'relay knows', 'relays know'), '1 relay knows')
    equal(countOf(2, 'visitor’s browser', 'visitors’ browsers'), '2 visitors’ browsers')
  })
})
