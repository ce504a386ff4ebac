/**
 * Signed name records as docs/PROTOCOL.md "Signed name records" specifies them, written from
 * the text for the conformance check: the proof fields a verifier derives from an envelope,
 * and validation (Decoding, then Validation) giving the spec's error name or null.
 * @module
 */
import { CidLink, decodeCbor, encodeCbor } from './cbor.ts'
import type { CborValue } from './cbor.ts'
import { DAG_CBOR, isCidV1, sha256 } from './cid.ts'
import { verifyStrict } from './ed25519.ts'
import { parseSiteName } from './names.ts'

const MAX_RECORD_SIZE = 10240
const MAX_LIFETIME_MS = 172_800_000n
const MAX_CLOCK_SKEW_MS = 300_000n
const MAX_SAFE = 2n ** 53n - 1n
const BODY_KEYS = new Set([
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
])

const ascii = new TextEncoder()
/** `tag || 0x00 || payload`: the domain separation of "Terms". */
export const tagged = (tag: string, payload: Uint8Array): Uint8Array =>
  Uint8Array.from([...ascii.encode(tag), 0, ...payload])

/** A refusal, named as the spec's error names are. */
class Refused extends Error {
  readonly code: string
  constructor(code: string, why: string) {
    super(why)
    this.code = code
  }
}
const refuse = (code: string, why: string): never => {
  throw new Refused(code, why)
}
const malformed = (why: string): never => refuse('MalformedRecordError', why)

const isMap = (v: unknown): v is Map<string, CborValue> => v instanceof Map
const decodes = (bytes: Uint8Array): CborValue | undefined => {
  try {
    return decodeCbor(bytes)
  } catch {
    return undefined
  }
}
const bytesOf = (map: unknown, key: string): Uint8Array | undefined => {
  const v = isMap(map) ? map.get(key) : undefined
  return v instanceof Uint8Array ? v : undefined
}

/** What the vector file's `publicKey`, `signedBytes`, `signature` must be (see its description). */
export function proofFields(record: Uint8Array): {
  publicKey: Uint8Array
  signedBytes: Uint8Array
  signature: Uint8Array
} {
  const none = new Uint8Array(0)
  const envelope = decodes(record)
  const body = bytesOf(envelope, 'body')
  if (body === undefined) return { publicKey: none, signedBytes: none, signature: none }
  return {
    publicKey: bytesOf(decodes(body), 'owner') ?? none,
    signedBytes: tagged('an-record-v1', body),
    signature: bytesOf(envelope, 'sig') ?? none,
  }
}

function uint(map: Map<string, CborValue>, key: string, max = MAX_SAFE): bigint {
  const v = map.get(key)
  if (typeof v !== 'bigint' || v < 0n || v > max) malformed(`${key} is not an integer in range`)
  return v as bigint
}
function fixedBytes(map: Map<string, CborValue>, key: string, length: number): Uint8Array {
  const v = map.get(key)
  if (!(v instanceof Uint8Array) || v.length !== length) malformed(`${key} is not ${length} bytes`)
  return v as Uint8Array
}
function onlyKeys(map: Map<string, CborValue>, required: string[], optional: string[] = []): void {
  for (const k of required) if (!map.has(k)) malformed(`missing ${k}`)
  for (const k of map.keys())
    if (!required.includes(k) && !optional.includes(k)) malformed(`unknown ${k}`)
}
function siteName(value: CborValue | undefined, field: string): string {
  if (typeof value !== 'string') return malformed(`${field} is not text`)
  const parsed = parseSiteName(value)
  if (!parsed.ok) return refuse('InvalidNameError', `${field}: ${parsed.reason}`)
  if (parsed.site !== value) malformed(`${field} is not canonical`)
  return value
}

/** A well-formed multihash with code 0x00 or 0x12 (one-byte varints suffice for both). */
function isPeerId(id: Uint8Array): boolean {
  if (id.length < 2 || id.length > 64 || (id[0] !== 0x00 && id[0] !== 0x12)) return false
  if (id[1] >= 0x80 || id.length !== 2 + id[1]) return false
  return id[0] !== 0x12 || id[1] === 32
}

function checkHosts(value: CborValue): void {
  if (!Array.isArray(value) || value.length < 1 || value.length > 16) malformed('hosts')
  const ids = new Set<string>()
  for (const host of value as CborValue[]) {
    if (!isMap(host)) return malformed('host not a map')
    onlyKeys(host, ['id', 'addrs'])
    const id = host.get('id')
    if (!(id instanceof Uint8Array) || !isPeerId(id)) malformed('host id')
    const key = Buffer.from(id as Uint8Array).toString('hex')
    if (ids.has(key)) malformed('host id twice')
    ids.add(key)
    const addrs = host.get('addrs')
    if (!Array.isArray(addrs) || addrs.length > 8) return malformed('addrs')
    const seen = new Set<string>()
    for (const a of addrs) {
      if (!(a instanceof Uint8Array) || a.length < 1 || a.length > 512) malformed('addr')
      const k = Buffer.from(a as Uint8Array).toString('hex')
      if (seen.has(k)) malformed('addr twice')
      seen.add(k)
    }
  }
}

/** Decoding, steps 1–13. */
function decodeRecord(record: Uint8Array) {
  if (record.length > MAX_RECORD_SIZE) refuse('RecordTooLargeError', 'over 10240 bytes')
  const envelope = decodes(record)
  if (envelope === undefined) malformed('envelope not canonical DAG-CBOR')
  if (!isMap(envelope)) return malformed('envelope not a map')
  for (const k of envelope.keys()) if (k !== 'body' && k !== 'sig') malformed(`envelope key ${k}`)
  const bodyBytes = bytesOf(envelope, 'body') ?? malformed('body not bytes')
  const sig = bytesOf(envelope, 'sig')
  if (sig === undefined || sig.length !== 64) refuse('InvalidSignatureError', 'sig')
  const body = decodes(bodyBytes)
  if (!isMap(body)) return malformed('body not a canonical map')
  for (const k of body.keys()) if (!BODY_KEYS.has(k)) malformed(`body key ${k}`)
  if (body.get('v') !== 1n) malformed('v')
  const type = body.get('type')
  if (typeof type !== 'string') return malformed('type')
  if (!['root', 'A', 'CNAME', 'TXT'].includes(type)) refuse('UnknownRecordTypeError', type)
  const name = siteName(body.get('name'), 'name')
  const [host, topic] = name.split(':')
  const labels = host.split('.')
  const subdomain = labels.length > 1
  if ((type === 'root') === subdomain) malformed('type does not match the name')
  const owner = fixedBytes(body, 'owner', 32)
  uint(body, 'seq')
  const created = uint(body, 'created')
  const expires = uint(body, 'expires')
  const ttl = uint(body, 'ttl')
  if (expires <= created) malformed('expires <= created')
  if (expires - created > MAX_LIFETIME_MS) refuse('RecordLifetimeTooLongError', 'lifetime')
  if (ttl < 1n || ttl > 86400n) malformed('ttl')
  const has = (k: string): boolean => body.has(k)
  if ((type === 'CNAME' || type === 'TXT') && (has('hosts') || has('content')))
    malformed('hosts or content on an alias or text')
  if (type === 'A' && !has('hosts') && !has('content')) malformed('A without hosts or content')
  if (has('target') !== (type === 'CNAME')) malformed('target')
  if (has('text') !== (type === 'TXT')) malformed('text')
  if (has('hosts')) checkHosts(body.get('hosts')!)
  if (has('content')) {
    const c = body.get('content')
    if (!(c instanceof CidLink) || !isCidV1(c.bytes, DAG_CBOR)) malformed('content')
  }
  if (has('target')) siteName(body.get('target'), 'target')
  if (has('text') && (typeof body.get('text') !== 'string' || body.get('text') === ''))
    malformed('text')
  if (has('root') !== subdomain) malformed('root iff subdomain')
  let rootOwner = owner
  let delegation: { key: Uint8Array; expires: bigint; sig: Uint8Array } | undefined
  const root = body.get('root')
  if (root !== undefined) {
    if (!isMap(root)) return malformed('root')
    onlyKeys(root, ['owner'], ['delegation'])
    rootOwner = fixedBytes(root, 'owner', 32)
    const d = root.get('delegation')
    if (d !== undefined) {
      if (!isMap(d)) return malformed('delegation')
      onlyKeys(d, ['key', 'expires', 'sig'])
      delegation = {
        key: fixedBytes(d, 'key', 32),
        expires: uint(d, 'expires'),
        sig: fixedBytes(d, 'sig', 64),
      }
    }
  }
  let registration: { registrar: Uint8Array; expires: bigint; sig: Uint8Array } | undefined
  const r = body.get('registration')
  if (r !== undefined) {
    if (!isMap(r)) return malformed('registration')
    onlyKeys(r, ['registrar', 'expires', 'sig'])
    registration = {
      registrar: fixedBytes(r, 'registrar', 32),
      expires: uint(r, 'expires'),
      sig: fixedBytes(r, 'sig', 64),
    }
  }
  const meta = body.get('meta')
  if (meta !== undefined) {
    if (!isMap(meta) || meta.size < 1 || meta.size > 32) return malformed('meta')
    for (const [k, v] of meta)
      if ([...k].length < 1 || [...k].length > 64 || typeof v !== 'string') malformed('meta entry')
  }
  const rootName = `${labels[labels.length - 1]}:${topic}`
  return {
    bodyBytes,
    sig: sig!,
    name,
    rootName,
    owner,
    holder: rootOwner,
    created,
    expires,
    delegation,
    registration,
  }
}

/** What validation takes besides the bytes (see the vector file's fields). */
export interface ValidateOptions {
  key?: Uint8Array
  now: bigint
  rootRecord?: Uint8Array
  trustedRegistrars?: Uint8Array[]
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

function validate(record: Uint8Array, options: ValidateOptions): ReturnType<typeof decodeRecord> {
  const r = decodeRecord(record)
  const { now } = options
  if (options.key !== undefined) {
    const key = Uint8Array.from([...ascii.encode('/an/'), ...sha256(ascii.encode(r.name))])
    if (!same(key, options.key)) refuse('KeyMismatchError', 'key')
  }
  if (r.created > now + MAX_CLOCK_SKEW_MS) refuse('RecordFromFutureError', 'created')
  if (now >= r.expires) refuse('RecordExpiredError', 'expires')
  if (!verifyStrict(r.owner, tagged('an-record-v1', r.bodyBytes), r.sig))
    refuse('InvalidSignatureError', 'signature')
  if (r.name !== r.rootName) {
    const unauthorised = (why: string): never => refuse('UnauthorizedSignerError', why)
    const d = r.delegation
    if (d === undefined) {
      if (!same(r.owner, r.holder)) unauthorised('owner is not root.owner')
    } else {
      if (!same(r.owner, d.key)) unauthorised('owner is not the delegate')
      if (now >= d.expires) unauthorised('delegation expired')
      const payload = encodeCbor({ name: r.rootName, delegate: d.key, expires: d.expires })
      if (!verifyStrict(r.holder, tagged('an-delegation-v1', payload), d.sig))
        unauthorised('delegation signature')
    }
    if (options.rootRecord !== undefined) {
      let root: ReturnType<typeof decodeRecord> | undefined
      try {
        root = validate(options.rootRecord, { now, trustedRegistrars: options.trustedRegistrars })
      } catch (error) {
        if (!(error instanceof Refused)) throw error
      }
      if (root === undefined || root.name !== r.rootName || !same(root.holder, r.holder))
        unauthorised('root record')
    }
  }
  const trusted = options.trustedRegistrars ?? []
  const reg = r.registration
  const unregistered = (why: string): never => refuse('UnregisteredNameError', why)
  if (reg !== undefined) {
    if (now >= reg.expires) unregistered('registration expired')
    const payload = encodeCbor({ name: r.rootName, owner: r.holder, expires: reg.expires })
    if (!verifyStrict(reg.registrar, tagged('an-registration-v1', payload), reg.sig))
      unregistered('registration signature')
  }
  if (trusted.length > 0 && (reg === undefined || !trusted.some((k) => same(k, reg.registrar))))
    unregistered('no registration by a trusted registrar')
  return r
}

/** The spec's verdict on `record`: null when valid, else the error name and why. */
export function validateRecord(
  record: Uint8Array,
  options: ValidateOptions,
): { error: string; why: string } | null {
  try {
    validate(record, options)
    return null
  } catch (error) {
    if (error instanceof Refused) return { error: error.code, why: error.message }
    throw error
  }
}
