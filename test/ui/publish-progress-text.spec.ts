/**
 * The words under Publish's progress bar (`src/ui/publish-progress-text.ts`): a count of mirrors
 * only once it is known, never "0 of ?"; the end in plain words.
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { progressPercent, progressText } from '../../src/ui/publish-progress-text.ts'
import type { PublishProgress } from '../../src/net/index.ts'

const hashed = { filesDone: 1, filesTotal: 1, bytesHashed: 10, bytesTotal: 10 }

describe('the words under the progress bar', () => {
  it('say the mirrors are being looked for until their number is known, never "of ?"', () => {
    const looking = { phase: 'mirroring', ...hashed } as PublishProgress
    const text = progressText(looking)
    equal(text, 'Looking for mirrors…')
    ok(!text.includes('?'), text)
  })

  it('count the copies once the mirrors are known', () => {
    const copying = {
      phase: 'mirroring',
      ...hashed,
      mirrorsDone: 1,
      mirrorsWanted: 3,
      bytesUploaded: 2048,
    } as PublishProgress
    equal(progressText(copying), 'Copying to mirrors… 1 of 3 (2.0 KB sent)')
    equal(progressPercent(copying), 88)
  })

  it('end in plain words: where the site is found, not how the record is kept', () => {
    const done = { phase: 'done', ...hashed, accepted: 2 } as PublishProgress
    equal(progressText(done), 'Published: 2 relays know where to find it.')
    equal(progressPercent(done), 100)
  })
})
