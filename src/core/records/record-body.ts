/**
 * The record body: its types, and the structural checks every peer applies after decoding
 * (no signatures, no clock). See docs/PROTOCOL.md#body.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { decode as decodeMultihash } from 'multiformats/hashes/digest'
import { parseSiteName } from '../names/index.ts'
import { toHex } from '../bytes.ts'
import { checkKeys, isMap } from './codec.ts'
import type { CborMap } from './codec.ts'
import {
  CONTENT_ROOT_CODEC,
  MAX_ADDRS_PER_HOST,
  MAX_HOSTS,
  MAX_META_ENTRIES,
  MAX_META_KEY_LENGTH,
  MAX_MULTIADDR_LENGTH,
  MAX_PEER_ID_LENGTH,
  MAX_RECORD_LIFETIME_MS,
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  PEER_ID_MULTIHASH_CODES,
  RECORD_TYPES,
  RECORD_VERSION,
} from './constants.ts'
import {
  MalformedRecordError,
  RecordLifetimeTooLongError,
  UnknownRecordTypeError,
} from './errors.ts'
import { cidV1, list, publicKey, signature, text, uint } from './fields.ts'

/** A record type: `root` for a name without subdomains; `A`, `CNAME`, `TXT` for subdomains. */
export type RecordType = (typeof RECORD_TYPES)[number]

/** A peer that serves the site, signed in by the owner key. */
export interface RecordHost {
  /** The libp2p peer ID as multihash bytes (identity or sha2-256). */
  id: Uint8Array
  /** Binary multiaddrs, direct or `/p2p-circuit`; may be empty (find them by peer routing). */
  addrs: Uint8Array[]
}

/** A root key's permission for another key to sign the root's subdomain records. */
export interface Delegation {
  /** The delegate's 32-byte Ed25519 public key. */
  key: Uint8Array
  /** When the permission ends, in ms since the epoch. */
  expires: number
  /** The root key's signature over `an-delegation-v1`, 0x00, `{ name, delegate, expires }`. */
  sig: Uint8Array
}

/** How a subdomain record names its root. */
export interface RootLink {
  /** The root name's owner key: the holder of every name under the root. */
  owner: Uint8Array
  /** Present when a delegate, not the root key, signs the record. */
  delegation?: Delegation
}

/** A registrar's statement that a root name belongs to a holder key. */
export interface Registration {
  /** The registrar's 32-byte Ed25519 public key. */
  registrar: Uint8Array
  /** When the registration ends, in ms since the epoch. */
  expires: number
  /** The registrar's signature over `an-registration-v1`, 0x00, `{ name, owner, expires }`. */
  sig: Uint8Array
}

/** The signed fields of a record, exactly as decoded. */
export interface RecordBody {
  /** Body format version: 1. */
  v: typeof RECORD_VERSION
  /** Record type. */
  type: RecordType
  /** Canonical site name, e.g. `api.mysite:code`. */
  name: string
  /** The Ed25519 key that signs this record. */
  owner: Uint8Array
  /** Version of the record; higher wins for the same holder. */
  seq: number
  /** When the record was made, in ms since the epoch. */
  created: number
  /** When the record stops being valid, in ms since the epoch; at most 48 h after `created`. */
  expires: number
  /** How long resolvers may cache it, in seconds (1..86400). */
  ttl: number
  /** Peers that host the site. */
  hosts?: RecordHost[]
  /** The site manifest root. */
  content?: CID
  /** CNAME only: the canonical site name this one aliases. */
  target?: string
  /** TXT only: the text. */
  text?: string
  /** Subdomains only: the root's owner key and an optional delegation. */
  root?: RootLink
  /** A trusted registrar's registration of the root name to the holder. */
  registration?: Registration
  /** Free-form metadata. */
  meta?: Record<string, string>
}

const BODY_FIELDS = new Set([
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
const HOST_FIELDS = new Set(['id', 'addrs'])
const ROOT_FIELDS = new Set(['owner', 'delegation'])
const DELEGATION_FIELDS = new Set(['key', 'expires', 'sig'])
const REGISTRATION_FIELDS = new Set(['registrar', 'expires', 'sig'])

/** The parts of a canonical site name a record needs. */
export interface ParsedSite {
  /** The canonical site name. */
  site: string
  /** Whether it has subdomain labels. */
  isSubdomain: boolean
}

/**
 * Reads a canonical site name. Throws the names module's `InvalidNameError` for a name that
 * does not parse, `MalformedRecordError` for one that parses but is not written canonically.
 */
export function canonicalSite(value: unknown, field: string): ParsedSite {
  const input = text(value, field)
  let parsed: ReturnType<typeof parseSiteName>
  try {
    parsed = parseSiteName(input)
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'InvalidNameError') throw error
    throw new MalformedRecordError(`${field} is not a site name`, { cause: error })
  }
  if (parsed.site !== input)
    throw new MalformedRecordError(
      `${field} "${input}" is not canonical (expected "${parsed.site}")`,
    )
  return { site: parsed.site, isSubdomain: parsed.subdomains.length > 0 }
}

function map(value: unknown, allowed: ReadonlySet<string>, field: string): CborMap {
  if (!isMap(value)) throw new MalformedRecordError(`${field} must be a map`)
  checkKeys(value, allowed, field)
  return value
}

function parseHosts(value: unknown): RecordHost[] {
  const items = list(value, 'hosts')
  if (items.length === 0 || items.length > MAX_HOSTS)
    throw new MalformedRecordError(`hosts must list 1 to ${MAX_HOSTS} peers`)
  const seen = new Set<string>()
  return items.map((item, i) => {
    const host = map(item, HOST_FIELDS, `hosts[${i}]`)
    const id = host.id
    if (!(id instanceof Uint8Array) || id.length === 0 || id.length > MAX_PEER_ID_LENGTH) {
      throw new MalformedRecordError(`hosts[${i}].id must be 1 to ${MAX_PEER_ID_LENGTH} bytes`)
    }
    try {
      const digest = decodeMultihash(id)
      if (!PEER_ID_MULTIHASH_CODES.includes(digest.code))
        throw new RangeError(`multihash code ${digest.code}`)
    } catch (cause) {
      throw new MalformedRecordError(`hosts[${i}].id is not a peer ID multihash`, { cause })
    }
    const key = toHex(id)
    if (seen.has(key)) throw new MalformedRecordError(`hosts[${i}] repeats a peer`)
    seen.add(key)
    const addrs = list(host.addrs, `hosts[${i}].addrs`)
    if (addrs.length > MAX_ADDRS_PER_HOST)
      throw new MalformedRecordError(`hosts[${i}] lists more than ${MAX_ADDRS_PER_HOST} addresses`)
    const seenAddrs = new Set<string>()
    for (const [j, addr] of addrs.entries()) {
      if (
        !(addr instanceof Uint8Array) ||
        addr.length === 0 ||
        addr.length > MAX_MULTIADDR_LENGTH
      ) {
        throw new MalformedRecordError(
          `hosts[${i}].addrs[${j}] must be 1 to ${MAX_MULTIADDR_LENGTH} bytes`,
        )
      }
      const hex = toHex(addr)
      if (seenAddrs.has(hex))
        throw new MalformedRecordError(`hosts[${i}].addrs[${j}] repeats an address`)
      seenAddrs.add(hex)
    }
    return { id, addrs: addrs as Uint8Array[] }
  })
}

function parseRoot(value: unknown): RootLink {
  const root = map(value, ROOT_FIELDS, 'root')
  const out: RootLink = { owner: publicKey(root.owner, 'root.owner') }
  if (root.delegation !== undefined) {
    const d = map(root.delegation, DELEGATION_FIELDS, 'root.delegation')
    out.delegation = {
      key: publicKey(d.key, 'root.delegation.key'),
      expires: uint(d.expires, 'root.delegation.expires'),
      sig: signature(d.sig, 'root.delegation.sig'),
    }
  }
  return out
}

function parseRegistration(value: unknown): Registration {
  const r = map(value, REGISTRATION_FIELDS, 'registration')
  return {
    registrar: publicKey(r.registrar, 'registration.registrar'),
    expires: uint(r.expires, 'registration.expires'),
    sig: signature(r.sig, 'registration.sig'),
  }
}

function parseMeta(value: unknown): Record<string, string> {
  if (!isMap(value)) throw new MalformedRecordError('meta must be a map')
  const entries = Object.entries(value)
  if (entries.length === 0 || entries.length > MAX_META_ENTRIES)
    throw new MalformedRecordError(`meta must hold 1 to ${MAX_META_ENTRIES} entries`)
  const out: Record<string, string> = {}
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > MAX_META_KEY_LENGTH)
      throw new MalformedRecordError(`meta keys must be 1 to ${MAX_META_KEY_LENGTH} characters`)
    out[k] = text(v, `meta.${k}`)
  }
  return out
}

/** Fields a type must have (`true`) or must not have (`false`); others are optional. */
const TYPE_RULES: Record<
  RecordType,
  Partial<Record<'hosts' | 'content' | 'target' | 'text', boolean>>
> = {
  root: { target: false, text: false },
  A: { target: false, text: false },
  CNAME: { target: true, text: false, hosts: false, content: false },
  TXT: { target: false, text: true, hosts: false, content: false },
}

/**
 * Checks a decoded body and returns it typed. Throws `MalformedRecordError`,
 * `UnknownRecordTypeError`, `RecordLifetimeTooLongError` or `InvalidNameError`, in the order
 * given in docs/PROTOCOL.md#decoding.
 */
export function parseRecordBody(value: unknown): RecordBody {
  const b = map(value, BODY_FIELDS, 'record body')
  if (b.v !== RECORD_VERSION) throw new MalformedRecordError(`v must be ${RECORD_VERSION}`)
  const typeText = text(b.type, 'type')
  if (!(RECORD_TYPES as readonly string[]).includes(typeText))
    throw new UnknownRecordTypeError(`unknown record type "${typeText}"`)
  const type = typeText as RecordType
  const { site: name, isSubdomain } = canonicalSite(b.name, 'name')
  if ((type === 'root') === isSubdomain) {
    throw new MalformedRecordError(
      isSubdomain
        ? `a subdomain record cannot have type root`
        : `a root name needs type root, not ${type}`,
    )
  }
  const body: RecordBody = {
    v: RECORD_VERSION,
    type,
    name,
    owner: publicKey(b.owner, 'owner'),
    seq: uint(b.seq, 'seq'),
    created: uint(b.created, 'created'),
    expires: uint(b.expires, 'expires'),
    ttl: uint(b.ttl, 'ttl'),
  }
  if (body.expires <= body.created) throw new MalformedRecordError('expires must be after created')
  if (body.expires - body.created > MAX_RECORD_LIFETIME_MS) {
    throw new RecordLifetimeTooLongError(
      `the record lives ${body.expires - body.created} ms, more than ${MAX_RECORD_LIFETIME_MS}`,
    )
  }
  if (body.ttl < MIN_TTL_SECONDS || body.ttl > MAX_TTL_SECONDS)
    throw new MalformedRecordError(`ttl must be ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS} seconds`)

  for (const [field, required] of Object.entries(TYPE_RULES[type])) {
    if (required && b[field] === undefined)
      throw new MalformedRecordError(`a ${type} record needs ${field}`)
    if (!required && b[field] !== undefined)
      throw new MalformedRecordError(`a ${type} record cannot have ${field}`)
  }
  if (b.hosts !== undefined) body.hosts = parseHosts(b.hosts)
  if (b.content !== undefined) body.content = cidV1(b.content, [CONTENT_ROOT_CODEC], 'content')
  if (type === 'A' && body.hosts === undefined && body.content === undefined)
    throw new MalformedRecordError('an A record needs hosts or content')
  if (b.target !== undefined) body.target = canonicalSite(b.target, 'target').site
  if (b.text !== undefined) {
    body.text = text(b.text, 'text')
    if (body.text.length === 0) throw new MalformedRecordError('text must not be empty')
  }
  if (isSubdomain !== (b.root !== undefined))
    throw new MalformedRecordError(
      isSubdomain ? 'a subdomain record needs root' : 'a root record cannot have root',
    )
  if (b.root !== undefined) body.root = parseRoot(b.root)
  if (b.registration !== undefined) body.registration = parseRegistration(b.registration)
  if (b.meta !== undefined) body.meta = parseMeta(b.meta)
  return body
}

/** The key that holds the record's name: `owner` for a root record, `root.owner` for a subdomain. */
export function holderOf(body: RecordBody): Uint8Array {
  return body.root?.owner ?? body.owner
}
