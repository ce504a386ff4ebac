/**
 * Writes test/vectors/presigned.json: pre-signed records handed to a mirror ("Records kept
 * alive" in docs/PROTOCOL.md), each with the decision a mirror must reach, and which record a
 * mirror puts at given times. Deterministic: fixed keys, fixed times.
 *
 * Run: node scripts/make-presigned-vectors.ts
 * @module
 */
import { writeFileSync } from 'node:fs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { toHex, utf8 } from '../src/core/bytes.ts'
import { keyPairFromSeed } from '../src/core/crypto/ed25519.ts'
import { createRecord, type RecordFields } from '../src/core/records/index.ts'

const DAY = 86_400_000
const HOUR = 3_600_000
const T = Date.UTC(2026, 0, 1)
const owner = keyPairFromSeed(new Uint8Array(32).fill(1))
const stranger = keyPairFromSeed(new Uint8Array(32).fill(2))
const site = 'mysite:code'
const root = CID.create(1, 0x71, await sha256.digest(utf8('presigned vector root')))
const other = CID.create(1, 0x71, await sha256.digest(utf8('another root')))

const record = async (fields: Partial<RecordFields>, key = owner): Promise<string> =>
  toHex(
    (await createRecord({ type: 'root', name: site, seq: 5, content: root, ...fields }, key)).bytes,
  )
const next = (i: number): Partial<RecordFields> => ({
  seq: 5 + i,
  created: T + i * DAY,
  expires: T + i * DAY + 48 * HOUR,
})

const vectors = {
  description:
    'Pre-signed records handed to a mirror that holds `context`: `expect` is "accepted" or the refusal reason; `due` gives, for a time, the seq of the record a mirror puts (null: none).',
  context: {
    site,
    holder: toHex(owner.publicKey),
    root: root.toString(),
    seq: 5,
    now: T,
    current: await record({ created: T, expires: T + 48 * HOUR }),
  },
  records: [
    { what: 'next day', hex: await record(next(1)), expect: 'accepted' },
    { what: 'two days on', hex: await record(next(2)), expect: 'accepted' },
    { what: 'three days on', hex: await record(next(3)), expect: 'accepted' },
    { what: 'another key', hex: await record(next(4), stranger), expect: 'other-owner' },
    { what: 'the seq held', hex: await record({ created: T - HOUR }), expect: 'rollback' },
    {
      what: 'other content',
      hex: await record({ ...next(5), content: other }),
      expect: 'other-content',
    },
    {
      what: 'another site',
      hex: await record({ ...next(6), name: 'other:code' }),
      expect: 'other-site',
    },
    {
      what: 'beyond 90 days',
      hex: await record({ seq: 99, created: T + 91 * DAY, expires: T + 91 * DAY + HOUR }),
      expect: 'too-far',
    },
    {
      what: 'expired',
      hex: await record({ seq: 7, created: T - 3 * DAY, expires: T - 2 * DAY }),
      expect: 'expired',
    },
  ],
  due: [
    { now: T + HOUR, seq: null },
    { now: T + DAY, seq: 6 },
    { now: T + DAY + 47 * HOUR, seq: 7 },
    { now: T + 3 * DAY + HOUR, seq: 8 },
    { now: T + 5 * DAY + 1, seq: null },
  ],
}
writeFileSync(
  new URL('../test/vectors/presigned.json', import.meta.url),
  JSON.stringify(vectors, null, 2) + '\n',
)
