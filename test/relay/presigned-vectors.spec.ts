/**
 * The pre-signed record vectors (test/vectors/presigned.json): a mirror's decisions on handed
 * records, and which record it puts at each time.
 */
import { readFileSync } from 'node:fs'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { fromHex } from '../../src/core/bytes.ts'
import { decodeRecord } from '../../src/core/records/index.ts'
import { checkPresigned, duePresigned } from '../../relay-node/src/mirror/presigned.ts'

interface Vectors {
  context: { site: string; holder: string; root: string; seq: number; now: number }
  records: Array<{ what: string; hex: string; expect: string }>
  due: Array<{ now: number; seq: number | null }>
}

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/presigned.json', import.meta.url), 'utf8'),
) as Vectors

describe('pre-signed record vectors', () => {
  it('accepts and refuses each handed record as the vectors say', async () => {
    const records = vectors.records.map((r) => fromHex(r.hex))
    const { accepted, refused } = await checkPresigned(
      { ...vectors.context, registrars: [] },
      records,
    )
    const decisions = records.map(
      (bytes, index) =>
        refused.find((r) => r.index === index)?.reason ??
        (accepted.includes(bytes) ? 'accepted' : 'lost'),
    )
    assert.deepEqual(
      decisions,
      vectors.records.map((r) => r.expect),
    )
  })

  it('puts the highest seq whose time has come and has not expired', () => {
    const accepted = vectors.records
      .filter((r) => r.expect === 'accepted')
      .map((r) => fromHex(r.hex))
    for (const { now, seq } of vectors.due) {
      const due = duePresigned(accepted, vectors.context.seq, now)
      assert.equal(due === undefined ? null : decodeRecord(due).body.seq, seq, `at ${now}`)
    }
  })
})
