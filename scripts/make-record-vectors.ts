/**
 * Writes test/vectors/records.json: signed name records, valid and refused, for other
 * implementations of docs/PROTOCOL.md. Deterministic (fixed seeds, fixed times,
 * RFC 8032 signatures): run it again and the file does not change.
 * Usage: `node scripts/make-record-vectors.ts`.
 *
 * Each vector is validated by this implementation before it is written, so the file never
 * disagrees with the code. `publicKey`, `signedBytes` and `signature` are derived from the
 * vector's `record` alone, as a verifier would (see {@link proofFields}), never copied from the
 * record the vector was made from.
 * @module
 */
import { writeFileSync } from 'node:fs'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat, fromHex, toHex, utf8 } from '../src/core/bytes.ts'
import { decodeCanonicalCbor, isCborMap } from '../src/core/cbor.ts'
import { keyPairFromSeed, sign, verify } from '../src/core/crypto/ed25519.ts'
import type { Ed25519KeyPair } from '../src/core/crypto/ed25519.ts'
import {
  MAX_RECORD_LIFETIME_MS,
  createDelegation,
  createRegistration,
  dhtKey,
  recordSigningBytes,
  validateRecord,
} from '../src/core/records/index.ts'

/** One vector, as in the file. */
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

const OUT = new URL('../test/vectors/records.json', import.meta.url)

/** Key pair whose 32-byte seed is `byte` repeated. */
const pair = (byte: number): Ed25519KeyPair => keyPairFromSeed(new Uint8Array(32).fill(byte))
const ROOT = pair(1)
const DELEGATE = pair(2)
const OTHER = pair(3)
const REGISTRAR = pair(4)

/** 2026-01-01T00:00:00Z: every record is created here unless it says otherwise. */
const T0 = Date.UTC(2026, 0, 1)
const HOUR = 60 * 60 * 1000
/** Every vector is validated one hour after T0 unless it says otherwise. */
const NOW = T0 + HOUR

const SITE = 'mysite:code'
const CONTENT = CID.create(1, 0x71, await sha256.digest(utf8('an example site manifest')))
/** Peer ID of the Ed25519 key with seed 5: identity multihash of its libp2p protobuf public key. */
const PEER_ID = concat([fromHex('002408011220'), pair(5).publicKey])
/** `/ip4/127.0.0.1/tcp/4001/ws` and `/ip4/192.0.2.7/udp/4001/webrtc-direct`, binary. */
const ADDRS = [fromHex('047f000001060fa1dd03'), fromHex('04c0000207910fa1fd03')]

type Body = Record<string, unknown>

const root = (extra: Body = {}): Body => ({
  v: 1,
  type: 'root',
  name: SITE,
  owner: ROOT.publicKey,
  seq: 1,
  created: T0,
  expires: T0 + 24 * HOUR,
  ttl: 300,
  ...extra,
})
const sub = (extra: Body = {}): Body => ({
  v: 1,
  type: 'A',
  name: `api.${SITE}`,
  owner: ROOT.publicKey,
  seq: 1,
  created: T0,
  expires: T0 + 24 * HOUR,
  ttl: 300,
  hosts: [{ id: PEER_ID, addrs: ADDRS }],
  root: { owner: ROOT.publicKey },
  ...extra,
})

/** A CBOR map with keys in the order given (DAG-CBOR sorts them; this does not). */
function unsortedMap(entries: Array<[string, unknown]>): Uint8Array {
  return concat([
    new Uint8Array([0xa0 + entries.length]),
    ...entries.flatMap(([k, v]) => [dagCbor.encode(k), dagCbor.encode(v)]),
  ])
}

const envelope = (body: Uint8Array, sig?: Uint8Array): Uint8Array =>
  dagCbor.encode(sig === undefined ? { body } : { body, sig })

interface Signed {
  body: Uint8Array
  signedBytes: Uint8Array
  sig: Uint8Array
  record: Uint8Array
}

async function signBytes(body: Uint8Array, signer: Ed25519KeyPair): Promise<Signed> {
  const signedBytes = recordSigningBytes(body)
  const sig = await sign(signer.seed, signedBytes)
  return { body, signedBytes, sig, record: envelope(body, sig) }
}

/** Signs the canonical encoding of `body`; fields set to `undefined` are left out. */
const signBody = (body: Body, signer: Ed25519KeyPair): Promise<Signed> =>
  signBytes(
    dagCbor.encode(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))),
    signer,
  )

const vectors: Vector[] = []

interface AddInit {
  /** The record the vector starts from; `record` replaces its envelope when given. */
  signed: Signed
  error: string | null
  record?: Uint8Array
  site?: string
  now?: number
  rootRecord?: Uint8Array
  trustedRegistrars?: Uint8Array[]
}

/** `field` of `map` when it is a byte string, else empty. */
const bytesField = (map: unknown, field: string): Uint8Array =>
  isCborMap(map) && map[field] instanceof Uint8Array ? map[field] : new Uint8Array(0)

/**
 * What a verifier derives from an envelope, whatever else is wrong with it: the owner key in its
 * body, the bytes it would verify (tag, 0x00, body) and the signature in it, each empty where the
 * record has none (the envelope or the body is not a canonical DAG-CBOR map, or the field is
 * missing or not a byte string). Lengths are not checked: a 63-byte `sig` is given as it is.
 */
function proofFields(record: Uint8Array): Pick<Vector, 'publicKey' | 'signedBytes' | 'signature'> {
  const envelope = decodeCanonicalCbor(record)
  const map = envelope.ok ? envelope.value : undefined
  const present = isCborMap(map) && map.body instanceof Uint8Array
  const body = present ? decodeCanonicalCbor(map.body as Uint8Array) : undefined
  return {
    publicKey: toHex(bytesField(body?.ok === true ? body.value : undefined, 'owner')),
    signedBytes: present ? toHex(recordSigningBytes(map.body as Uint8Array)) : '',
    signature: toHex(bytesField(map, 'sig')),
  }
}

/** Errors raised by the signature rules: the proof fields of such a vector must not verify. */
const SIGNATURE_ERRORS = new Set(['InvalidSignatureError'])
/** Errors of the checks after the signature: the proof fields of such a vector verify. */
const AFTER_SIGNATURE_ERRORS = new Set(['UnauthorizedSignerError', 'UnregisteredNameError'])

async function add(description: string, init: AddInit): Promise<void> {
  const record = init.record ?? init.signed.record
  const vector: Vector = {
    description,
    ...proofFields(record),
    record: toHex(record),
    key: toHex(await dhtKey(init.site ?? SITE)),
    now: init.now ?? NOW,
    valid: init.error === null,
    error: init.error,
  }
  if (init.rootRecord !== undefined) vector.rootRecord = toHex(init.rootRecord)
  if (init.trustedRegistrars !== undefined)
    vector.trustedRegistrars = init.trustedRegistrars.map(toHex)
  let got: string | null = null
  try {
    await validateRecord(fromHex(vector.record), {
      key: fromHex(vector.key),
      now: vector.now,
      rootRecord: init.rootRecord,
      trustedRegistrars: init.trustedRegistrars,
    })
  } catch (error) {
    got = (error as Error).name
  }
  if (got !== init.error)
    throw new Error(`vector "${description}": expected ${init.error}, got ${got}`)
  const holds = await verify(
    fromHex(vector.publicKey),
    fromHex(vector.signedBytes),
    fromHex(vector.signature),
  )
  if (init.error === null && !holds)
    throw new Error(`vector "${description}": valid, but its proof fields do not verify`)
  if (init.error !== null && SIGNATURE_ERRORS.has(init.error) && holds)
    throw new Error(`vector "${description}": refused for its signature, but it verifies`)
  const signedAnyway =
    AFTER_SIGNATURE_ERRORS.has(init.error ?? '') ||
    (description.endsWith('(signed)') && vector.publicKey.length === 64)
  if (signedAnyway && !holds)
    throw new Error(`vector "${description}": refused for another reason, but it does not verify`)
  vectors.push(vector)
}

// ── Valid records ──────────────────────────────────────────────────────────────────────────
const rootRecord = await signBody(root(), ROOT)
await add('root record, fewest fields', { signed: rootRecord, error: null })
await add('root record with hosts, content and meta', {
  signed: await signBody(
    root({
      seq: 7,
      hosts: [{ id: PEER_ID, addrs: ADDRS }],
      content: CONTENT,
      meta: { title: 'My site', lang: 'en' },
    }),
    ROOT,
  ),
  error: null,
})
await add('root record with a host but no addresses', {
  signed: await signBody(root({ hosts: [{ id: PEER_ID, addrs: [] }] }), ROOT),
  error: null,
})
await add('root record of a Unicode name (Punycode)', {
  signed: await signBody(root({ name: 'xn--bcher-kva:code' }), ROOT),
  site: 'xn--bcher-kva:code',
  error: null,
})
await add('root record at the 48 h lifetime limit', {
  signed: await signBody(root({ expires: T0 + MAX_RECORD_LIFETIME_MS }), ROOT),
  error: null,
})
await add('root record created within the 5 min clock skew', {
  signed: await signBody(root({ created: NOW + 4 * 60 * 1000, expires: NOW + 10 * HOUR }), ROOT),
  error: null,
})
await add('A record of a subdomain signed by the root key', {
  signed: await signBody(sub(), ROOT),
  site: `api.${SITE}`,
  error: null,
})
await add('A record with only a content root', {
  signed: await signBody(sub({ hosts: undefined, content: CONTENT }), ROOT),
  site: `api.${SITE}`,
  error: null,
})
await add('CNAME record of a subdomain signed by the root key', {
  signed: await signBody(
    sub({ type: 'CNAME', name: `www.${SITE}`, hosts: undefined, target: SITE }),
    ROOT,
  ),
  site: `www.${SITE}`,
  error: null,
})
await add('TXT record of a subdomain signed by the root key', {
  signed: await signBody(
    sub({ type: 'TXT', name: `info.x.${SITE}`, hosts: undefined, text: 'hello, alternet' }),
    ROOT,
  ),
  site: `info.x.${SITE}`,
  error: null,
})
await add('A record with the root record given, same holder', {
  signed: await signBody(sub(), ROOT),
  site: `api.${SITE}`,
  rootRecord: rootRecord.record,
  error: null,
})

const delegation = await createDelegation(
  { name: SITE, delegate: DELEGATE.publicKey, expires: T0 + 30 * 24 * HOUR },
  ROOT,
)
const delegated = await signBody(
  sub({ owner: DELEGATE.publicKey, root: { owner: ROOT.publicKey, delegation } }),
  DELEGATE,
)
await add('A record signed by a delegate of the root key', {
  signed: delegated,
  site: `api.${SITE}`,
  error: null,
})

const registration = await createRegistration(
  { name: SITE, owner: ROOT.publicKey, expires: T0 + 365 * 24 * HOUR },
  REGISTRAR,
)
await add('root record registered by a trusted registrar', {
  signed: await signBody(root({ registration }), ROOT),
  trustedRegistrars: [REGISTRAR.publicKey],
  error: null,
})
await add('subdomain record carrying the root registration', {
  signed: await signBody(sub({ registration }), ROOT),
  site: `api.${SITE}`,
  trustedRegistrars: [REGISTRAR.publicKey],
  error: null,
})
await add('registered record in an open network (registration still verified)', {
  signed: await signBody(root({ registration }), ROOT),
  error: null,
})
await add('record with the largest seq (2^53 - 1)', {
  signed: await signBody(root({ seq: Number.MAX_SAFE_INTEGER }), ROOT),
  error: null,
})

// ── Signatures ─────────────────────────────────────────────────────────────────────────────
const forged = rootRecord.sig.slice()
forged[10] ^= 0x01
await add('refuses a forged signature (one bit flipped)', {
  signed: rootRecord,
  record: envelope(rootRecord.body, forged),
  error: 'InvalidSignatureError',
})
const byOther = await signBody(root(), OTHER)
await add('refuses a record signed by another key than its owner', {
  signed: byOther,
  error: 'InvalidSignatureError',
})
const altered = dagCbor.encode(root({ seq: 2 }))
await add('refuses a body altered after signing (seq raised)', {
  signed: rootRecord,
  record: envelope(altered, rootRecord.sig),
  error: 'InvalidSignatureError',
})
await add('refuses an envelope without a signature', {
  signed: rootRecord,
  record: envelope(rootRecord.body),
  error: 'InvalidSignatureError',
})
await add('refuses a 63-byte signature', {
  signed: rootRecord,
  record: envelope(rootRecord.body, rootRecord.sig.subarray(0, 63)),
  error: 'InvalidSignatureError',
})
const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
const malleable = rootRecord.sig.slice()
for (let i = 0, carry = 0; i < 32; i++) {
  const v = malleable[32 + i] + L[i] + carry
  malleable[32 + i] = v & 0xff
  carry = v >> 8
}
await add('refuses a signature with a non-canonical S (S + L)', {
  signed: rootRecord,
  record: envelope(rootRecord.body, malleable),
  error: 'InvalidSignatureError',
})
const SMALL_ORDER_KEY = fromHex('0100000000000000000000000000000000000000000000000000000000000000')
const smallOrder = await signBody(root({ owner: SMALL_ORDER_KEY }), ROOT)
await add('refuses a small-order owner key', {
  signed: smallOrder,
  error: 'InvalidSignatureError',
})

// ── Encoding ───────────────────────────────────────────────────────────────────────────────
await add('refuses a truncated envelope', {
  signed: rootRecord,
  record: rootRecord.record.subarray(0, rootRecord.record.length - 10),
  error: 'MalformedRecordError',
})
await add('refuses trailing bytes after the envelope', {
  signed: rootRecord,
  record: concat([rootRecord.record, new Uint8Array([0])]),
  error: 'MalformedRecordError',
})
await add('refuses an envelope with its keys out of order', {
  signed: rootRecord,
  record: unsortedMap([
    ['body', rootRecord.body],
    ['sig', rootRecord.sig],
  ]),
  error: 'MalformedRecordError',
})
const bodyEntries = Object.entries(root())
await add('refuses a body with its keys out of order (signed)', {
  signed: await signBytes(unsortedMap(bodyEntries.reverse()), ROOT),
  error: 'MalformedRecordError',
})
const canonical = dagCbor.encode(root())
const seqAt = toHex(canonical).indexOf('6373657101') / 2 + 4
const longSeq = concat([
  canonical.subarray(0, seqAt),
  fromHex('1801'),
  canonical.subarray(seqAt + 1),
])
await add('refuses a body with a non-minimal integer (seq as 0x18 0x01, signed)', {
  signed: await signBytes(longSeq, ROOT),
  error: 'MalformedRecordError',
})
await add('refuses an envelope with an extra field', {
  signed: rootRecord,
  record: dagCbor.encode({ body: rootRecord.body, sig: rootRecord.sig, x: 1 }),
  error: 'MalformedRecordError',
})
await add('refuses a body that is not a map (signed)', {
  signed: await signBytes(dagCbor.encode([1, 2, 3]), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a body with an unknown field (signed)', {
  signed: await signBody(root({ counter: 3330 }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses version 2 (signed)', {
  signed: await signBody(root({ v: 2 }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a fractional created time (signed)', {
  signed: await signBody(root({ created: T0 + 0.5 }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a seq above 2^53 - 1 (signed)', {
  signed: await signBody(root({ seq: 2n ** 53n }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a ttl of 0 (signed)', {
  signed: await signBody(root({ ttl: 0 }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses 17 hosts (signed)', {
  signed: await signBody(
    root({
      hosts: Array.from({ length: 17 }, (_, i) => ({
        id: concat([fromHex('002408011220'), pair(10 + i).publicKey]),
        addrs: [],
      })),
    }),
    ROOT,
  ),
  error: 'MalformedRecordError',
})
await add('refuses a host whose id is not a multihash (signed)', {
  signed: await signBody(root({ hosts: [{ id: fromHex('ff'), addrs: [] }] }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a content root that is not a dag-cbor CID (signed)', {
  signed: await signBody(root({ content: CID.create(1, 0x55, CONTENT.multihash) }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a 31-byte owner key (signed)', {
  signed: await signBody(root({ owner: ROOT.publicKey.subarray(1) }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a record over 10 KiB (signed)', {
  signed: await signBody(
    root({
      meta: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'x'.repeat(1000)])),
    }),
    ROOT,
  ),
  error: 'RecordTooLargeError',
})
await add('refuses an unknown record type (signed)', {
  signed: await signBody(sub({ type: 'MX' }), ROOT),
  site: `api.${SITE}`,
  error: 'UnknownRecordTypeError',
})
await add('refuses a root name with type A (signed)', {
  signed: await signBody(root({ type: 'A', hosts: [{ id: PEER_ID, addrs: [] }] }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a subdomain with type root (signed)', {
  signed: await signBody(sub({ type: 'root' }), ROOT),
  site: `api.${SITE}`,
  error: 'MalformedRecordError',
})
await add('refuses a subdomain record without root (signed)', {
  signed: await signBody(sub({ root: undefined }), ROOT),
  site: `api.${SITE}`,
  error: 'MalformedRecordError',
})
await add('refuses a CNAME without a target (signed)', {
  signed: await signBody(sub({ type: 'CNAME', hosts: undefined }), ROOT),
  site: `api.${SITE}`,
  error: 'MalformedRecordError',
})
await add('refuses a TXT record with hosts (signed)', {
  signed: await signBody(sub({ type: 'TXT', text: 'x' }), ROOT),
  site: `api.${SITE}`,
  error: 'MalformedRecordError',
})
await add('refuses a name that is not a site name (signed)', {
  signed: await signBody(root({ name: 'my_site:code' }), ROOT),
  error: 'InvalidNameError',
})
await add('refuses a name too long to be served from one origin label (signed)', {
  signed: await signBody(root({ name: `${'a'.repeat(58)}:code` }), ROOT),
  error: 'InvalidNameError',
})
await add('refuses a CNAME target too long to be served from one origin label (signed)', {
  signed: await signBody(
    sub({ type: 'CNAME', name: `www.${SITE}`, hosts: undefined, target: `${'a'.repeat(58)}:code` }),
    ROOT,
  ),
  site: `www.${SITE}`,
  error: 'InvalidNameError',
})
await add('refuses a name not in canonical form (signed)', {
  signed: await signBody(root({ name: 'MySite:code' }), ROOT),
  error: 'MalformedRecordError',
})
await add('refuses a lifetime over 48 h (signed)', {
  signed: await signBody(root({ expires: T0 + MAX_RECORD_LIFETIME_MS + 1 }), ROOT),
  error: 'RecordLifetimeTooLongError',
})
await add('refuses expires before created (signed)', {
  signed: await signBody(root({ expires: T0 - 1 }), ROOT),
  error: 'MalformedRecordError',
})

// ── Key and clock ──────────────────────────────────────────────────────────────────────────
await add('refuses a record under the DHT key of another name', {
  signed: rootRecord,
  site: 'othersite:code',
  error: 'KeyMismatchError',
})
await add('refuses a record under the DHT key of another topic', {
  signed: rootRecord,
  site: 'mysite:pets',
  error: 'KeyMismatchError',
})
await add('refuses an expired record', {
  signed: rootRecord,
  now: T0 + 24 * HOUR,
  error: 'RecordExpiredError',
})
await add('refuses a record created more than 5 min in the future', {
  signed: await signBody(
    root({ created: NOW + 5 * 60 * 1000 + 1, expires: NOW + 10 * HOUR }),
    ROOT,
  ),
  error: 'RecordFromFutureError',
})

// ── Authority ──────────────────────────────────────────────────────────────────────────────
await add('refuses a subdomain record signed by an unauthorised key', {
  signed: await signBody(sub({ owner: OTHER.publicKey }), OTHER),
  site: `api.${SITE}`,
  error: 'UnauthorizedSignerError',
})
const expiredDelegation = await createDelegation(
  { name: SITE, delegate: DELEGATE.publicKey, expires: NOW },
  ROOT,
)
await add('refuses a record signed by a delegate whose delegation expired', {
  signed: await signBody(
    sub({
      owner: DELEGATE.publicKey,
      root: { owner: ROOT.publicKey, delegation: expiredDelegation },
    }),
    DELEGATE,
  ),
  site: `api.${SITE}`,
  error: 'UnauthorizedSignerError',
})
const selfDelegation = await createDelegation(
  { name: SITE, delegate: DELEGATE.publicKey, expires: T0 + 30 * 24 * HOUR },
  OTHER,
)
await add('refuses a delegation not signed by the root key', {
  signed: await signBody(
    sub({ owner: DELEGATE.publicKey, root: { owner: ROOT.publicKey, delegation: selfDelegation } }),
    DELEGATE,
  ),
  site: `api.${SITE}`,
  error: 'UnauthorizedSignerError',
})
const otherSiteDelegation = await createDelegation(
  { name: 'othersite:code', delegate: DELEGATE.publicKey, expires: T0 + 30 * 24 * HOUR },
  ROOT,
)
await add('refuses a delegation for another root name', {
  signed: await signBody(
    sub({
      owner: DELEGATE.publicKey,
      root: { owner: ROOT.publicKey, delegation: otherSiteDelegation },
    }),
    DELEGATE,
  ),
  site: `api.${SITE}`,
  error: 'UnauthorizedSignerError',
})
await add('refuses a subdomain record whose root record has another holder', {
  signed: await signBody(sub({ owner: OTHER.publicKey, root: { owner: OTHER.publicKey } }), OTHER),
  site: `api.${SITE}`,
  rootRecord: rootRecord.record,
  error: 'UnauthorizedSignerError',
})

// ── Registration ───────────────────────────────────────────────────────────────────────────
await add('refuses an unregistered name when registrars are trusted', {
  signed: rootRecord,
  trustedRegistrars: [REGISTRAR.publicKey],
  error: 'UnregisteredNameError',
})
const byOtherRegistrar = await createRegistration(
  { name: SITE, owner: ROOT.publicKey, expires: T0 + 365 * 24 * HOUR },
  OTHER,
)
await add('refuses a registration by an untrusted registrar', {
  signed: await signBody(root({ registration: byOtherRegistrar }), ROOT),
  trustedRegistrars: [REGISTRAR.publicKey],
  error: 'UnregisteredNameError',
})
await add('refuses a registration of the name to another holder', {
  signed: await signBody(root({ owner: OTHER.publicKey, registration }), OTHER),
  trustedRegistrars: [REGISTRAR.publicKey],
  error: 'UnregisteredNameError',
})
const expiredRegistration = await createRegistration(
  { name: SITE, owner: ROOT.publicKey, expires: NOW - 1 },
  REGISTRAR,
)
await add('refuses an expired registration', {
  signed: await signBody(root({ registration: expiredRegistration }), ROOT),
  trustedRegistrars: [REGISTRAR.publicKey],
  error: 'UnregisteredNameError',
})

writeFileSync(OUT, JSON.stringify({ vectors }, null, 2) + '\n')
console.log(`wrote ${vectors.length} vectors to ${OUT.pathname}`)
