import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat, fromHex, toHex, utf8 } from '../../src/core/bytes.ts'
import { keyPairFromSeed, sign, verify } from '../../src/core/crypto/ed25519.ts'
import type { Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import { sha256Digest } from '../../src/core/crypto/sha256.ts'
import {
  MAX_CLOCK_SKEW_MS,
  MAX_RECORD_LIFETIME_MS,
  MAX_RECORD_SIZE,
  anSelector,
  anValidator,
  createAnSelector,
  createAnValidator,
  createDelegation,
  createRecord,
  createRegistration,
  createRevocation,
  decodeRecord,
  decodeRevocation,
  dhtKey,
  encodeRecord,
  recordDid,
  recordSigningBytes,
  selectRecord,
  siteDid,
  validateRecord,
  verifyRevocation,
} from '../../src/core/records/index.ts'
import type { RecordFields, SignedRecord } from '../../src/core/records/index.ts'
import vectorFile from '../vectors/records.json' with { type: 'json' }

const pair = (byte: number): Ed25519KeyPair => keyPairFromSeed(new Uint8Array(32).fill(byte))
const ROOT = pair(1)
const DELEGATE = pair(2)
const OTHER = pair(3)
const REGISTRAR = pair(4)
const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000
const NOW = T0 + HOUR
const SITE = 'mysite:code'
const PEER_ID = concat([fromHex('002408011220'), pair(5).publicKey])
const ADDR = fromHex('047f000001060fa1dd03')
const CONTENT = CID.create(1, 0x71, await sha256.digest(utf8('manifest')))

const rootFields = (extra: Partial<RecordFields> = {}): RecordFields => ({
  type: 'root',
  name: SITE,
  seq: 1,
  created: T0,
  expires: T0 + 24 * HOUR,
  ...extra,
})
const make = (extra: Partial<RecordFields> = {}, signer = ROOT): Promise<SignedRecord> =>
  createRecord(rootFields(extra), signer)
const makeSub = (extra: Partial<RecordFields> = {}, signer = ROOT): Promise<SignedRecord> =>
  createRecord(
    {
      type: 'A',
      name: `api.${SITE}`,
      seq: 1,
      created: T0,
      expires: T0 + 24 * HOUR,
      hosts: [{ id: PEER_ID, addrs: [ADDR] }],
      ...extra,
    },
    signer,
  )
/** The record re-signed by `signer` (its owner field unchanged). */
async function resign(record: SignedRecord, signer: Ed25519KeyPair): Promise<Uint8Array> {
  return encodeRecord({
    ...record,
    sig: await sign(signer.seed, recordSigningBytes(record.bodyBytes)),
  })
}
/** A deterministic shuffle (xorshift32). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice()
  let s = seed || 1
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    const j = (s >>> 0) % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

describe('records: encoding', () => {
  it('round-trips a root record through encode and decode', async () => {
    const record = await make({
      hosts: [{ id: PEER_ID, addrs: [ADDR] }],
      content: CONTENT,
      meta: { title: 'Hi' },
      ttl: 60,
    })
    const decoded = decodeRecord(encodeRecord(record))
    assert.deepEqual(decoded.body, record.body)
    assert.deepEqual(decoded.bytes, record.bytes)
    assert.equal(decoded.body.content?.toString(), CONTENT.toString())
    assert.deepEqual(decoded.holder, ROOT.publicKey)
  })

  it('round-trips A, CNAME and TXT records of subdomains', async () => {
    const records = [
      await makeSub(),
      await makeSub({ type: 'CNAME', name: `www.${SITE}`, hosts: undefined, target: 'other:code' }),
      await makeSub({ type: 'TXT', name: `info.${SITE}`, hosts: undefined, text: 'hello' }),
    ]
    for (const record of records) {
      const decoded = decodeRecord(record.bytes)
      assert.deepEqual(decoded.body, record.body)
      assert.deepEqual(decoded.body.root, { owner: ROOT.publicKey })
      await validateRecord(record.bytes, { now: NOW, key: await dhtKey(record.body.name) })
    }
  })

  it('encodes the same fields to the same bytes whatever their order', async () => {
    const a = await make({ meta: { a: '1', b: '2' }, ttl: 10 })
    const b = await createRecord(
      {
        ttl: 10,
        meta: { b: '2', a: '1' },
        expires: T0 + 24 * HOUR,
        created: T0,
        seq: 1,
        name: SITE,
        type: 'root',
      },
      ROOT,
    )
    assert.deepEqual(a.bytes, b.bytes)
  })

  it('refuses to create a record over 10 KiB', async () => {
    await assert.rejects(
      make({ meta: { big: 'x'.repeat(MAX_RECORD_SIZE) } }),
      'RecordTooLargeError',
    )
  })

  it('refuses to create a record with an unknown field', async () => {
    await assert.rejects(make({ counter: 1 } as Partial<RecordFields>), 'MalformedRecordError')
  })

  it('refuses to create a CNAME without a target or a TXT with hosts', async () => {
    await assert.rejects(makeSub({ type: 'CNAME', hosts: undefined }), 'MalformedRecordError')
    await assert.rejects(makeSub({ type: 'TXT', text: 'x' }), 'MalformedRecordError')
  })

  it('refuses a content root that is not a CIDv1 dag-cbor sha2-256 CID', async () => {
    await assert.rejects(
      make({ content: CID.create(1, 0x55, CONTENT.multihash) }),
      'MalformedRecordError',
    )
    await assert.rejects(
      make({ content: CID.createV0(CONTENT.multihash) as unknown as CID }),
      'MalformedRecordError',
    )
  })

  it('refuses a subdomain typed root and a root name typed A', async () => {
    await assert.rejects(makeSub({ type: 'root', hosts: undefined }), 'MalformedRecordError')
    await assert.rejects(
      make({ type: 'A', hosts: [{ id: PEER_ID, addrs: [] }] }),
      'MalformedRecordError',
    )
  })
})

describe('records: validation', () => {
  it('accepts a fresh root record under its DHT key', async () => {
    const record = await make()
    const valid = await validateRecord(record.bytes, { now: NOW, key: await dhtKey(SITE) })
    assert.deepEqual(valid.body, record.body)
  })

  it('rejects a record signed by another key', async () => {
    await assert.rejects(
      validateRecord(await resign(await make(), OTHER), { now: NOW }),
      'InvalidSignatureError',
    )
  })

  it('rejects a body altered after signing', async () => {
    const record = await make()
    const altered = (await make({ seq: 2 })).bodyBytes
    await assert.rejects(
      validateRecord(encodeRecord({ ...record, bodyBytes: altered }), { now: NOW }),
      'InvalidSignatureError',
    )
  })

  it('rejects an envelope without a signature', async () => {
    const record = await make()
    await assert.rejects(
      validateRecord(dagCbor.encode({ body: record.bodyBytes }), { now: NOW }),
      'InvalidSignatureError',
    )
  })

  it('rejects a truncated envelope', async () => {
    const record = await make()
    await assert.rejects(
      validateRecord(record.bytes.subarray(0, record.bytes.length - 1), { now: NOW }),
      'MalformedRecordError',
    )
  })

  it('rejects a record at and after its expiry', async () => {
    const record = await make()
    await validateRecord(record.bytes, { now: record.body.expires - 1 })
    await assert.rejects(
      validateRecord(record.bytes, { now: record.body.expires }),
      'RecordExpiredError',
    )
  })

  it('rejects a record created beyond the clock skew, accepts one within it', async () => {
    const record = await make()
    await validateRecord(record.bytes, { now: T0 - MAX_CLOCK_SKEW_MS })
    await assert.rejects(
      validateRecord(record.bytes, { now: T0 - MAX_CLOCK_SKEW_MS - 1 }),
      'RecordFromFutureError',
    )
  })

  it('rejects a record under the DHT key of another name', async () => {
    const record = await make()
    await assert.rejects(
      validateRecord(record.bytes, { now: NOW, key: await dhtKey('mysite:pets') }),
      'KeyMismatchError',
    )
  })

  it('rejects a lifetime over 48 hours', async () => {
    await make({ expires: T0 + MAX_RECORD_LIFETIME_MS })
    await assert.rejects(
      make({ expires: T0 + MAX_RECORD_LIFETIME_MS + 1 }),
      'RecordLifetimeTooLongError',
    )
  })

  it('rejects an unknown record type', async () => {
    const record = await makeSub()
    const body = { ...dagCbor.decode<Record<string, unknown>>(record.bodyBytes), type: 'MX' }
    const bodyBytes = dagCbor.encode(body)
    const bytes = encodeRecord({
      ...record,
      bodyBytes,
      sig: await sign(ROOT.seed, recordSigningBytes(bodyBytes)),
    })
    assert.throws(() => decodeRecord(bytes), 'UnknownRecordTypeError')
  })

  it('rejects an invalid name with InvalidNameError', async () => {
    await assert.rejects(make({ name: 'my_site:code' }), 'InvalidNameError')
    await assert.rejects(make({ name: 'MySite:code' }), 'MalformedRecordError')
  })
})

describe('records: delegation', () => {
  const delegation = () =>
    createDelegation({ name: SITE, delegate: DELEGATE.publicKey, expires: T0 + 2 * HOUR }, ROOT)

  it('accepts a subdomain record signed by a delegate of the root key', async () => {
    const record = await makeSub(
      { root: { owner: ROOT.publicKey, delegation: await delegation() } },
      DELEGATE,
    )
    const valid = await validateRecord(record.bytes, { now: NOW, rootRecord: (await make()).bytes })
    assert.deepEqual(valid.holder, ROOT.publicKey)
    assert.equal(await recordDid(valid), await recordDid(await makeSub()))
  })

  it('rejects a delegate record once the delegation expires', async () => {
    const record = await makeSub(
      { root: { owner: ROOT.publicKey, delegation: await delegation() } },
      DELEGATE,
    )
    await assert.rejects(
      validateRecord(record.bytes, { now: T0 + 2 * HOUR }),
      'UnauthorizedSignerError',
    )
  })

  it('rejects a delegation signed by a key other than the root key', async () => {
    const forged = await createDelegation(
      { name: SITE, delegate: DELEGATE.publicKey, expires: T0 + 2 * HOUR },
      OTHER,
    )
    const record = await makeSub({ root: { owner: ROOT.publicKey, delegation: forged } }, DELEGATE)
    await assert.rejects(validateRecord(record.bytes, { now: NOW }), 'UnauthorizedSignerError')
  })

  it('rejects a subdomain record signed by an unauthorised key', async () => {
    const record = await makeSub({ root: { owner: ROOT.publicKey } }, OTHER)
    await assert.rejects(validateRecord(record.bytes, { now: NOW }), 'UnauthorizedSignerError')
  })

  it('rejects a subdomain record whose holder is not the root record holder', async () => {
    const record = await makeSub({}, OTHER)
    await validateRecord(record.bytes, { now: NOW })
    await assert.rejects(
      validateRecord(record.bytes, { now: NOW, rootRecord: (await make()).bytes }),
      'UnauthorizedSignerError',
    )
  })

  it('rejects a subdomain record when the root record given is not valid', async () => {
    const expiredRoot = await make({ created: T0 - 47 * HOUR, expires: T0 })
    await assert.rejects(
      validateRecord((await makeSub()).bytes, { now: NOW, rootRecord: expiredRoot.bytes }),
      'UnauthorizedSignerError',
    )
  })

  it('refuses to delegate for a subdomain name', async () => {
    await assert.rejects(
      createDelegation({ name: `api.${SITE}`, delegate: DELEGATE.publicKey, expires: NOW }, ROOT),
      'MalformedRecordError',
    )
  })
})

describe('records: registration', () => {
  const trustedRegistrars = [REGISTRAR.publicKey]
  const registration = (owner = ROOT.publicKey, registrar = REGISTRAR, expires = T0 + 100 * HOUR) =>
    createRegistration({ name: SITE, owner, expires }, registrar)

  it('accepts a name registered by a trusted registrar, root and subdomain alike', async () => {
    await validateRecord((await make({ registration: await registration() })).bytes, {
      now: NOW,
      trustedRegistrars,
    })
    await validateRecord((await makeSub({ registration: await registration() })).bytes, {
      now: NOW,
      trustedRegistrars,
    })
  })

  it('accepts an unregistered name in an open network only', async () => {
    const record = await make()
    await validateRecord(record.bytes, { now: NOW })
    await assert.rejects(
      validateRecord(record.bytes, { now: NOW, trustedRegistrars }),
      'UnregisteredNameError',
    )
  })

  it('rejects a registration by an untrusted registrar', async () => {
    const record = await make({ registration: await registration(ROOT.publicKey, OTHER) })
    await assert.rejects(
      validateRecord(record.bytes, { now: NOW, trustedRegistrars }),
      'UnregisteredNameError',
    )
  })

  it('rejects a registration copied onto another holder', async () => {
    const record = await make({ registration: await registration() }, OTHER)
    await assert.rejects(validateRecord(record.bytes, { now: NOW }), 'UnregisteredNameError')
  })

  it('rejects an expired registration', async () => {
    const record = await make({ registration: await registration(ROOT.publicKey, REGISTRAR, NOW) })
    await assert.rejects(
      validateRecord(record.bytes, { now: NOW, trustedRegistrars }),
      'UnregisteredNameError',
    )
  })
})

describe('records: selection', () => {
  it('prefers the higher seq, then the later expiry, of one holder', async () => {
    const older = await make({ seq: 1 })
    const newer = await make({ seq: 2, expires: T0 + 2 * HOUR })
    assert.equal(selectRecord([older.bytes, newer.bytes]), 1)
    assert.equal(selectRecord([newer.bytes, older.bytes]), 0)
    const later = await make({ seq: 2, expires: T0 + 3 * HOUR })
    assert.equal(selectRecord([newer.bytes, later.bytes]), 1)
  })

  it('breaks a full tie of one holder by the greater signature', async () => {
    const a = await make({ meta: { v: 'a' } })
    const b = await make({ meta: { v: 'b' } })
    const winner = toHex(a.sig) > toHex(b.sig) ? 0 : 1
    assert.equal(selectRecord([a.bytes, b.bytes]), winner)
    assert.equal(selectRecord([b.bytes, a.bytes]), 1 - winner)
  })

  it('prefers the earliest created holder, not the highest seq', async () => {
    const first = await make({ seq: 1, created: T0 })
    const squatter = await make({ seq: 99, created: T0 + HOUR, expires: T0 + 5 * HOUR }, OTHER)
    assert.equal(selectRecord([squatter.bytes, first.bytes]), 1)
  })

  it('prefers a holder registered by a trusted registrar', async () => {
    const registration = await createRegistration(
      { name: SITE, owner: OTHER.publicKey, expires: T0 + 100 * HOUR },
      REGISTRAR,
    )
    const first = await make({ created: T0 })
    const registered = await make(
      { created: T0 + HOUR, expires: T0 + 5 * HOUR, registration },
      OTHER,
    )
    assert.equal(
      selectRecord([first.bytes, registered.bytes], { trustedRegistrars: [REGISTRAR.publicKey] }),
      1,
    )
    assert.equal(
      selectRecord([first.bytes, registered.bytes]),
      0,
      'an untrusted registration counts for nothing',
    )
  })

  it('breaks a tie between holders by the smaller holder key', async () => {
    const a = await make()
    const b = await make({}, OTHER)
    const smaller = toHex(ROOT.publicKey) < toHex(OTHER.publicKey) ? 0 : 1
    assert.equal(selectRecord([a.bytes, b.bytes]), smaller)
  })

  it('never picks an undecodable record or one for another key', async () => {
    const good = await make()
    const other = await make({ name: 'other:code', seq: 5 })
    assert.equal(selectRecord([utf8('garbage'), good.bytes]), 1)
    assert.equal(selectRecord([other.bytes, good.bytes], { key: await dhtKey(SITE) }), 1)
    assert.equal(selectRecord([utf8('garbage')]), 0)
  })

  it('picks the same record whatever the order of the candidates', async () => {
    const candidates = [
      await make({ seq: 1 }),
      await make({ seq: 3 }),
      await make({ seq: 3, expires: T0 + 20 * HOUR }),
      await make({ seq: 4, created: T0 + 10 * 60_000 }, OTHER),
      await make({ seq: 2, created: T0 - HOUR }, DELEGATE),
      await make({ seq: 9, created: T0 - HOUR }, DELEGATE),
    ].map((r) => r.bytes)
    candidates.push(utf8('not a record'), candidates[2])
    const expected = candidates[selectRecord(candidates)]
    assert.deepEqual(expected, candidates[5], 'the earliest holder, its highest seq')
    for (let seed = 1; seed <= 200; seed++) {
      const shuffled = shuffle(candidates, seed)
      assert.deepEqual(shuffled[selectRecord(shuffled)], expected)
    }
  })
})

describe('records: DHT key and DID', () => {
  it('derives the DHT key as /an/ and the SHA-256 of the canonical name', async () => {
    const key = await dhtKey('MySite:Code')
    assert.deepEqual(key, concat([utf8('/an/'), await sha256Digest(utf8(SITE))]))
    assert.equal(key.length, 36)
  })

  it('keeps the kad-dht namespace "an" whatever bytes the hash holds', async () => {
    for (let i = 0; i < 300; i++) {
      const key = await dhtKey(`site${i}:code`)
      assert.equal(new TextDecoder().decode(key).split('/')[1], 'an')
    }
  })

  it('gives a site a stable did:an DID bound to its name and holder', async () => {
    const did = await siteDid(SITE, ROOT.publicKey)
    assert.match(did, /^did:an:b[a-z2-7]{52}$/)
    const hash = await sha256Digest(
      concat([
        utf8('an-did-v1'),
        new Uint8Array([0]),
        utf8(SITE),
        new Uint8Array([0]),
        ROOT.publicKey,
      ]),
    )
    assert.equal(did, 'did:an:b' + BASE32_OF(hash))
    assert.equal(await recordDid(await make()), did)
    assert.notEqual(await siteDid(SITE, OTHER.publicKey), did)
    assert.notEqual(await siteDid('mysite:pets', ROOT.publicKey), did)
    assert.notEqual(await recordDid(await makeSub()), did)
  })
})

/** RFC 4648 base32, lowercase, unpadded: written out here so the test does not reuse the code under test. */
function BASE32_OF(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31]
  return out
}

describe('records: revocation', () => {
  const trustedRevokers = [REGISTRAR.publicKey]

  it('round-trips and verifies a revocation by a trusted revoker', async () => {
    const revocation = await createRevocation(
      { name: SITE, roots: [CONTENT], issued: T0 },
      REGISTRAR,
    )
    const decoded = decodeRevocation(revocation.bytes)
    assert.equal(decoded.body.roots[0].toString(), CONTENT.toString())
    const verified = await verifyRevocation(revocation.bytes, { trustedRevokers, now: NOW })
    assert.deepEqual(verified.body.revoker, REGISTRAR.publicKey)
  })

  it('rejects a revocation by an untrusted revoker', async () => {
    const revocation = await createRevocation({ name: SITE, issued: T0 }, OTHER)
    await assert.rejects(
      verifyRevocation(revocation.bytes, { trustedRevokers, now: NOW }),
      'UnauthorizedSignerError',
    )
  })

  it('rejects a revocation whose signature does not verify', async () => {
    const revocation = await createRevocation({ name: SITE, issued: T0 }, REGISTRAR)
    const sig = revocation.sig.slice()
    sig[0] ^= 1
    const bytes = dagCbor.encode({ body: revocation.bodyBytes, sig })
    await assert.rejects(
      verifyRevocation(bytes, { trustedRevokers, now: NOW }),
      'InvalidSignatureError',
    )
  })

  it('rejects a revocation from the future and one listing a root twice', async () => {
    const revocation = await createRevocation(
      { name: SITE, issued: NOW + MAX_CLOCK_SKEW_MS + 1 },
      REGISTRAR,
    )
    await assert.rejects(
      verifyRevocation(revocation.bytes, { trustedRevokers, now: NOW }),
      'RecordFromFutureError',
    )
    await assert.rejects(
      createRevocation({ name: SITE, roots: [CONTENT, CONTENT], issued: T0 }, REGISTRAR),
      'MalformedRecordError',
    )
  })
})

describe('records: kad-dht adapters', () => {
  it('validates under the an namespace with the system clock', async () => {
    const record = await createRecord({ type: 'root', name: SITE, seq: 1 }, ROOT)
    await anValidator(await dhtKey(SITE), record.bytes)
    await assert.rejects(anValidator(await dhtKey('other:code'), record.bytes), 'KeyMismatchError')
  })

  it('takes the clock and trusted registrars from its configuration', async () => {
    const record = await make()
    const key = await dhtKey(SITE)
    await createAnValidator({ now: () => NOW })(key, record.bytes)
    await assert.rejects(
      createAnValidator({ now: () => T0 + 24 * HOUR })(key, record.bytes),
      'RecordExpiredError',
    )
    await assert.rejects(
      createAnValidator({ now: () => NOW, trustedRegistrars: [REGISTRAR.publicKey] })(
        key,
        record.bytes,
      ),
      'UnregisteredNameError',
    )
  })

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(
      createAnValidator({ now: () => NOW })(await dhtKey(SITE), (await make()).bytes, {
        signal: controller.signal,
      }),
      'AbortError',
    )
  })

  it('selects with the DHT key and the configured registrars', async () => {
    const key = await dhtKey(SITE)
    const a = await make({ seq: 1 })
    const b = await make({ seq: 2 })
    const elsewhere = await make({ name: 'other:code', seq: 9 })
    assert.equal(anSelector(key, [a.bytes, elsewhere.bytes, b.bytes]), 2)
    assert.equal(
      createAnSelector({ trustedRegistrars: [REGISTRAR.publicKey] })(key, [b.bytes, a.bytes]),
      0,
    )
  })
})

interface Vector {
  description: string
  publicKey: string
  signedBytes: string
  signature: string
  record: string
  key: string
  now: number
  valid: boolean
  error: string | null
  rootRecord?: string
  trustedRegistrars?: string[]
}

describe('records: names too long to be served', () => {
  const tooLong = `${'a'.repeat(58)}:code`

  it('can be neither signed, delegated, registered nor looked up, so no peer stores one', async () => {
    await assert.rejects(make({ name: tooLong }), 'InvalidNameError')
    await assert.rejects(
      makeSub({ type: 'CNAME', hosts: undefined, target: tooLong }),
      'InvalidNameError',
    )
    await assert.rejects(
      createDelegation({ name: tooLong, delegate: DELEGATE.publicKey, expires: T0 + HOUR }, ROOT),
      'InvalidNameError',
    )
    await assert.rejects(
      createRegistration({ name: tooLong, owner: ROOT.publicKey, expires: T0 + HOUR }, REGISTRAR),
      'InvalidNameError',
    )
    await assert.rejects(dhtKey(tooLong), 'InvalidNameError')
    // One character less fits in an origin label: the limit is exactly the grammar's.
    const fits = await make({ name: `${'a'.repeat(57)}:code` })
    assert.equal(fits.body.name.length, 62)
  })
})

describe('records: test vectors', () => {
  const vectors = (vectorFile as { vectors: Vector[] }).vectors

  it('has at least 30 vectors, valid and refused', () => {
    assert.ok(vectors.length >= 30)
    assert.ok(vectors.some((v) => v.valid) && vectors.some((v) => !v.valid))
  })

  for (const v of vectors) {
    it(`vector: ${v.description}`, async () => {
      const options = {
        key: fromHex(v.key),
        now: v.now,
        rootRecord: v.rootRecord === undefined ? undefined : fromHex(v.rootRecord),
        trustedRegistrars: v.trustedRegistrars?.map(fromHex),
      }
      const signatureHolds = await verify(
        fromHex(v.publicKey),
        fromHex(v.signedBytes),
        fromHex(v.signature),
      )
      if (v.valid) {
        assert.equal(v.error, null)
        const record = await validateRecord(fromHex(v.record), options)
        assert.ok(signatureHolds, 'the signature verifies with plain Ed25519')
        assert.equal(toHex(recordSigningBytes(record.bodyBytes)), v.signedBytes)
        assert.equal(toHex(record.sig), v.signature)
        assert.ok(v.signedBytes.startsWith(toHex(utf8('an-record-v1\u0000'))))
      } else {
        assert.ok(v.error !== null)
        await assert.rejects(validateRecord(fromHex(v.record), options), v.error)
        if (v.error === 'InvalidSignatureError')
          assert.ok(!signatureHolds, 'refused for its signature: the proof fields do not verify')
      }
      let decoded: SignedRecord | undefined
      try {
        decoded = decodeRecord(fromHex(v.record))
      } catch {
        // Refused while decoding: the conformance check covers what such a vector carries.
      }
      if (decoded !== undefined) {
        assert.equal(v.publicKey, toHex(decoded.body.owner), 'publicKey is the owner in the record')
        assert.equal(v.signature, toHex(decoded.sig), 'signature is the sig in the envelope')
        assert.equal(v.signedBytes, toHex(recordSigningBytes(decoded.bodyBytes)))
      }
    })
  }
})
