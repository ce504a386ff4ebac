/**
 * Mutation fuzzing of the record decoder and validator. Deterministic: a fixed PRNG seed, so a
 * failure names a reproducible iteration. Invariants, for every mutation of a valid record:
 * only the typed record errors are thrown, and nothing is accepted that is not byte for byte
 * the original (mutations re-signed by the owner must re-encode to exactly what was signed).
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat, equals, fromHex, toHex, utf8 } from '../../src/core/bytes.ts'
import { keyPairFromSeed, sign } from '../../src/core/crypto/ed25519.ts'
import {
  createDelegation,
  createRecord,
  createRegistration,
  createRevocation,
  decodeRecord,
  dhtKey,
  recordSigningBytes,
  validateRecord,
  verifyRevocation,
} from '../../src/core/records/index.ts'
import type { SignedRecord } from '../../src/core/records/index.ts'

/** Fixed seed of the mutation PRNG. */
const SEED = 0x5eed_a17e
/** Mutations per `it`, and how many `it`s: 12,000 record mutations in all. */
const BATCH = 1000
const BATCHES = 12
/** Revocation mutations. */
const REVOCATION_MUTATIONS = 1500

const TYPED = new Set([
  'MalformedRecordError',
  'RecordTooLargeError',
  'UnknownRecordTypeError',
  'RecordLifetimeTooLongError',
  'InvalidSignatureError',
  'UnauthorizedSignerError',
  'RecordExpiredError',
  'RecordFromFutureError',
  'KeyMismatchError',
  'UnregisteredNameError',
  'InvalidNameError',
])

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(SEED)
const int = (n: number): number => Math.floor(random() * n)
const pick = <T>(items: readonly T[]): T => items[int(items.length)]
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256))

const pair = (byte: number) => keyPairFromSeed(new Uint8Array(32).fill(byte))
const ROOT = pair(1)
const DELEGATE = pair(2)
const REGISTRAR = pair(4)
const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000
const NOW = T0 + HOUR
const PEER_ID = concat([fromHex('002408011220'), pair(5).publicKey])
const CONTENT = CID.create(1, 0x71, await sha256.digest(utf8('fuzz')))
const common = { seq: 3, created: T0, expires: T0 + 24 * HOUR, ttl: 600 }

const delegation = await createDelegation(
  { name: 'mysite:code', delegate: DELEGATE.publicKey, expires: T0 + 48 * HOUR },
  ROOT,
)
const registration = await createRegistration(
  { name: 'mysite:code', owner: ROOT.publicKey, expires: T0 + 100 * HOUR },
  REGISTRAR,
)
const corpus: SignedRecord[] = [
  await createRecord({ ...common, type: 'root', name: 'mysite:code' }, ROOT),
  await createRecord(
    {
      ...common,
      type: 'root',
      name: 'mysite:code',
      hosts: [{ id: PEER_ID, addrs: [fromHex('047f000001060fa1dd03')] }],
      content: CONTENT,
      meta: { a: 'b' },
      registration,
    },
    ROOT,
  ),
  await createRecord(
    { ...common, type: 'A', name: 'api.mysite:code', hosts: [{ id: PEER_ID, addrs: [] }] },
    ROOT,
  ),
  await createRecord(
    { ...common, type: 'CNAME', name: 'www.mysite:code', target: 'mysite:code' },
    ROOT,
  ),
  await createRecord({ ...common, type: 'TXT', name: 'info.mysite:code', text: 'hello' }, ROOT),
  await createRecord(
    {
      ...common,
      type: 'A',
      name: 'api.mysite:code',
      content: CONTENT,
      root: { owner: ROOT.publicKey, delegation },
    },
    DELEGATE,
  ),
]
const keys = new Map<string, Uint8Array>()
for (const record of corpus) keys.set(record.body.name, await dhtKey(record.body.name))

/** Values a field may be replaced with: wrong types, edge numbers, near-miss names and keys. */
const WEIRD: unknown[] = [
  0,
  1,
  -1,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  2n ** 53n,
  -(2n ** 64n),
  1.5,
  -0.5,
  1e300,
  null,
  true,
  false,
  '',
  'x',
  'root',
  'A',
  'CNAME',
  'TXT',
  'MX',
  'mysite:code',
  'MySite:code',
  'api.mysite:code',
  'my_site:code',
  'a'.repeat(300) + ':code',
  new Uint8Array(0),
  new Uint8Array(31),
  new Uint8Array(32),
  new Uint8Array(33),
  new Uint8Array(64),
  [],
  [1],
  [new Uint8Array(3)],
  {},
  { a: 1 },
  { owner: new Uint8Array(32) },
  [{ id: PEER_ID, addrs: [] }],
  [{ id: new Uint8Array(1), addrs: [] }],
  CONTENT,
  CID.create(1, 0x55, CONTENT.multihash),
  CID.parse('QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n'),
]
const FIELDS = [
  'v',
  'type',
  'name',
  'owner',
  'seq',
  'created',
  'expires',
  'ttl',
  'hosts',
  'content',
  'target',
  'text',
  'root',
  'registration',
  'meta',
  'extra',
  '',
]

/** A CBOR map with its entries in the order given. */
function rawMap(entries: Array<[string, unknown]>): Uint8Array {
  const n = entries.length
  const head = n < 24 ? new Uint8Array([0xa0 + n]) : new Uint8Array([0xb8, n])
  return concat([head, ...entries.flatMap(([k, v]) => [dagCbor.encode(k), dagCbor.encode(v)])])
}
const envelope = (body: Uint8Array, sig: Uint8Array): Uint8Array =>
  copy(dagCbor.encode({ body, sig }))

/** A plain copy: `slice` on a Node Buffer (what the encoder returns in Node) shares memory. */
function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b)
}
function flipBits(b: Uint8Array): Uint8Array {
  const out = copy(b)
  for (let i = 1 + int(3); i > 0; i--) out[int(out.length)] ^= 1 << int(8)
  return out
}
function changeByte(b: Uint8Array): Uint8Array {
  const out = copy(b)
  out[int(out.length)] = int(256)
  return out
}
const truncate = (b: Uint8Array): Uint8Array => copy(b.subarray(0, int(b.length)))
const extend = (b: Uint8Array): Uint8Array => concat([b, bytes(1 + int(16))])
function insert(b: Uint8Array): Uint8Array {
  const at = int(b.length + 1)
  return concat([b.subarray(0, at), bytes(1 + int(8)), b.subarray(at)])
}
function cut(b: Uint8Array): Uint8Array {
  const at = int(b.length)
  return concat([b.subarray(0, at), b.subarray(at + 1 + int(8))])
}
const shuffled = <T>(items: T[]): T[] => {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

interface Mutation {
  bytes: Uint8Array
  /** Re-signed by the record's own key: it may be valid, but must then be canonical. */
  resigned: boolean
}

/** One random mutation of `record`. */
async function mutate(record: SignedRecord): Promise<Mutation> {
  const bodyEntries = Object.entries(dagCbor.decode<Record<string, unknown>>(record.bodyBytes))
  const byteOps = [flipBits, changeByte, truncate, extend, insert, cut]
  const kind = int(10)
  switch (kind) {
    case 0:
    case 1:
      return { bytes: pick(byteOps)(record.bytes), resigned: false }
    case 2:
      // Mutate the body inside a well-formed envelope, keeping the old signature.
      return { bytes: envelope(pick(byteOps)(record.bodyBytes), record.sig), resigned: false }
    case 3:
      // Reorder the body's CBOR map entries (keeping or breaking canonical order).
      return { bytes: envelope(rawMap(shuffled(bodyEntries)), record.sig), resigned: false }
    case 4:
      // Swap the values of two fields.
      if (bodyEntries.length > 1) {
        const i = int(bodyEntries.length)
        const j = (i + 1 + int(bodyEntries.length - 1)) % bodyEntries.length
        const swapped = bodyEntries.map(([k, v], n): [string, unknown] => [
          k,
          n === i ? bodyEntries[j][1] : n === j ? bodyEntries[i][1] : v,
        ])
        return {
          bytes: envelope(dagCbor.encode(Object.fromEntries(swapped)), record.sig),
          resigned: false,
        }
      }
      return { bytes: copy(record.bytes), resigned: false }
    case 5:
    case 6:
    case 7: {
      // Re-encode with one field set, removed or added; re-signed half the time.
      const body: Record<string, unknown> = Object.fromEntries(bodyEntries)
      const field = pick(FIELDS)
      const value =
        typeof body[field] === 'number' && random() < 0.5
          ? pick([
              (body[field] as number) + pick([-1, 1, HOUR, 49 * HOUR, -49 * HOUR]),
              T0 + HOUR / 2,
              NOW + 10 * 60_000,
            ])
          : pick(WEIRD)
      if (random() < 0.2) delete body[field]
      else body[field] = value
      let encoded: Uint8Array
      try {
        encoded = dagCbor.encode(body)
      } catch {
        encoded = record.bodyBytes
      }
      const resigned = random() < 0.5
      const sig = resigned
        ? await sign(
            record.body.owner.every((b, i) => b === ROOT.publicKey[i]) ? ROOT.seed : DELEGATE.seed,
            recordSigningBytes(encoded),
          )
        : record.sig
      return { bytes: envelope(encoded, sig), resigned }
    }
    case 8:
      // Another record's signature, or a signature flipped in place.
      return {
        bytes: envelope(record.bodyBytes, random() < 0.5 ? pick(corpus).sig : flipBits(record.sig)),
        resigned: false,
      }
    default:
      // Envelope-level field games: extra fields, missing fields, swapped roles.
      return {
        bytes: pick([
          () => dagCbor.encode({ body: record.bodyBytes }),
          () => dagCbor.encode({ sig: record.sig }),
          () => dagCbor.encode({ body: record.sig, sig: record.bodyBytes }),
          () => dagCbor.encode({ body: record.bodyBytes, sig: record.sig, x: 0 }),
          () =>
            rawMap([
              ['body', record.bodyBytes],
              ['sig', record.sig],
            ]),
          () => dagCbor.encode([record.bodyBytes, record.sig]),
          () => dagCbor.encode({ body: record.bodyBytes, sig: record.sig.subarray(0, 63) }),
        ])(),
        resigned: false,
      }
  }
}

/** How often each outcome occurred, to show the mutations reach every check. */
const seen = new Map<string, number>()
const count = (outcome: string): void => void seen.set(outcome, (seen.get(outcome) ?? 0) + 1)

function checkTyped(error: unknown, where: string, tally = false): void {
  const name = (error as { name?: unknown } | null)?.name
  if (tally) count(String(name))
  if (typeof name !== 'string' || !TYPED.has(name)) {
    throw new assert.AssertionError(
      `${where}: untyped error ${String(name)}: ${String((error as Error)?.message)}`,
    )
  }
}

async function runBatch(batch: number): Promise<void> {
  for (let n = 0; n < BATCH; n++) {
    const where = `batch ${batch} mutation ${n}`
    const original = pick(corpus)
    const { bytes: mutated, resigned } = await mutate(original)
    try {
      decodeRecord(mutated)
    } catch (error) {
      checkTyped(error, `${where} (decode)`)
    }
    let accepted: SignedRecord | undefined
    try {
      accepted = await validateRecord(mutated, { now: NOW, key: keys.get(original.body.name) })
    } catch (error) {
      checkTyped(error, `${where} (validate)`, true)
    }
    if (accepted === undefined) continue
    count(resigned ? 'accepted re-signed' : 'accepted unchanged')
    if (resigned) {
      assert.ok(
        equals(dagCbor.encode({ body: accepted.bodyBytes, sig: accepted.sig }), mutated),
        `${where}: accepted a non-canonical re-signed record`,
      )
    } else {
      assert.ok(equals(mutated, original.bytes), `${where}: accepted ${toHex(mutated)}`)
      assert.deepEqual(accepted.body, original.body)
    }
  }
}

describe('records: fuzzing the decoder and validator', () => {
  it('accepts every unmutated corpus record', async () => {
    for (const record of corpus)
      await validateRecord(record.bytes, { now: NOW, key: keys.get(record.body.name) })
  })

  for (let batch = 0; batch < BATCHES; batch++) {
    it(`survives ${BATCH} random mutations of valid records (batch ${batch + 1} of ${BATCHES})`, () =>
      runBatch(batch))
  }

  it('reaches the structural, signature, authority, clock and key checks', () => {
    for (const name of [
      'MalformedRecordError',
      'InvalidSignatureError',
      'UnauthorizedSignerError',
      'InvalidNameError',
      'UnknownRecordTypeError',
      'RecordLifetimeTooLongError',
      'RecordExpiredError',
      'RecordFromFutureError',
      'KeyMismatchError',
      'accepted re-signed',
    ]) {
      assert.ok(
        (seen.get(name) ?? 0) > 0,
        `no mutation ended in ${name}: ${JSON.stringify([...seen])}`,
      )
    }
  })

  it(`survives ${REVOCATION_MUTATIONS} random mutations of a revocation`, async () => {
    const revocation = await createRevocation(
      { name: 'mysite:code', roots: [CONTENT], issued: T0 },
      REGISTRAR,
    )
    const options = { trustedRevokers: [REGISTRAR.publicKey], now: NOW }
    const ops = [flipBits, changeByte, truncate, extend, insert, cut]
    for (let n = 0; n < REVOCATION_MUTATIONS; n++) {
      const mutated =
        n % 2 === 0
          ? pick(ops)(revocation.bytes)
          : envelope(pick(ops)(revocation.bodyBytes), revocation.sig)
      try {
        await verifyRevocation(mutated, options)
        assert.ok(
          equals(mutated, revocation.bytes),
          `revocation mutation ${n}: accepted ${toHex(mutated)}`,
        )
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error
        checkTyped(error, `revocation mutation ${n}`)
      }
    }
  })
})
