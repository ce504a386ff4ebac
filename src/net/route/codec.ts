/**
 * Wire schema of `/an/route/1.0.0`: the request frame, the response header frame, and the
 * unsigned-varint length prefix in front of each. Decoding is strict: canonical DAG-CBOR only,
 * no unknown fields, every field checked. See docs/PROTOCOL.md, "Frames".
 * @module
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { decodeCanonicalCbor, isCborMap } from '../../core/cbor.ts'
import { DAG_CBOR_CODEC } from '../../core/content/index.ts'
import { parseSiteName } from '../../core/names/index.ts'
import { MAX_HEADER_VALUE_LENGTH, ROUTE_VERSION } from './constants.ts'
import { RouteProtocolError } from './errors.ts'

/** What a request asks for: a file of a site, its headers only, or one block by CID. */
export type RouteKind = 'get' | 'head' | 'block'

/** Request headers the server understands; others are ignored. Names are lowercase. */
export interface RouteRequestHeaders {
  /** One HTTP byte range, `bytes=a-b`, `bytes=a-` or `bytes=-n`. */
  range?: string
  /** ETags (quoted, comma-separated) or `*`: answer 304 when the file's ETag is among them. */
  'if-none-match'?: string
  [name: string]: string | undefined
}

/** A request, as the client builds it and the server receives it (the wire adds `v`). */
export interface RouteRequest {
  kind: RouteKind
  /** Canonical site name (`sub.name:topic`) the request is for; `get` and `head` need it or `root`. */
  site?: string
  /** Content root (manifest CID) the client expects, from the name record it verified. */
  root?: CID
  /** Request path as in a URL (`/`, `/docs/`, `/a%20b.html`); `get` and `head` only. */
  path?: string
  /** The block asked for; `block` only. */
  cid?: CID
  headers?: RouteRequestHeaders
}

/** The response header frame: status, headers, and how many body bytes follow. */
export interface RouteResponseHeader {
  /** HTTP-like status code, 100–599. */
  status: number
  /** Lowercase header names to values: `content-type`, `etag`, `content-range`, `location`... */
  headers: Record<string, string>
  /** Body bytes that follow the frame on this stream; 0 for `head` and error statuses. */
  length: number
}

const REQUEST_FIELDS = new Set(['v', 'kind', 'site', 'root', 'path', 'cid', 'headers'])
const RESPONSE_FIELDS = new Set(['v', 'status', 'headers', 'length'])
const KINDS = new Set<string>(['get', 'head', 'block'])
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/
// Printable ASCII and tab: no CR or LF can reach a header of an HTTP response built from it.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/
/** Longest request path before normalisation (normalizeRequestPath refuses anything longer). */
const MAX_RAW_PATH_LENGTH = 3072
/** Most headers in one frame. */
const MAX_HEADERS = 32

function fail(reason: RouteProtocolError['reason'], message: string): never {
  throw new RouteProtocolError(reason, message)
}

function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Number of bytes of the unsigned varint encoding of `n`. */
export function varintLength(n: number): number {
  let length = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    length++
  }
  return length
}

/** `varint(bytes.length) || bytes`: one length-prefixed frame. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(bytes.length) + bytes.length)
  let n = bytes.length
  let i = 0
  while (n >= 0x80) {
    out[i++] = (n % 0x80) | 0x80
    n = Math.floor(n / 0x80)
  }
  out[i++] = n
  out.set(bytes, i)
  return out
}

function decodeCanonical(bytes: Uint8Array, what: string): Record<string, unknown> {
  const decoded = decodeCanonicalCbor(bytes)
  if (!decoded.ok && decoded.reason === 'invalid') {
    fail('not-cbor', `The ${what} is not DAG-CBOR: ${(decoded.cause as Error).message}`)
  }
  if (!decoded.ok) fail('not-canonical', `The ${what} is not in canonical DAG-CBOR form.`)
  const value = decoded.value
  if (!isCborMap(value)) fail('not-a-map', `The ${what} is not a map.`)
  for (const key of Object.keys(value)) {
    const allowed = what === 'request' ? REQUEST_FIELDS : RESPONSE_FIELDS
    if (!allowed.has(key)) fail('unknown-field', `The ${what} has an unknown field "${key}".`)
  }
  if (value.v !== ROUTE_VERSION) {
    fail(
      'unsupported-version',
      `The ${what} version is ${String(value.v)}; only ${ROUTE_VERSION} is supported.`,
    )
  }
  return value
}

function checkHeaders(value: unknown, what: string): Record<string, string> {
  if (!isCborMap(value)) fail('invalid-field', `The ${what} headers are not a map.`)
  const entries = Object.entries(value)
  if (entries.length > MAX_HEADERS)
    fail('invalid-field', `The ${what} has over ${MAX_HEADERS} headers.`)
  const out: Record<string, string> = {}
  for (const [name, v] of entries) {
    if (!HEADER_NAME.test(name))
      fail('invalid-field', `The ${what} has a bad header name ${JSON.stringify(name)}.`)
    if (typeof v !== 'string' || v.length > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.test(v)) {
      fail(
        'invalid-field',
        `The ${what} header "${name}" is not a printable string of at most ${MAX_HEADER_VALUE_LENGTH} characters.`,
      )
    }
    out[name] = v
  }
  return out
}

function checkCid(value: unknown, field: string): CID {
  const cid = CID.asCID(value)
  if (cid == null || cid.version !== 1)
    fail('invalid-field', `The request's "${field}" is not a CIDv1.`)
  return cid
}

/** DAG-CBOR bytes of a request (without the length prefix). */
export function encodeRequest(request: RouteRequest): Uint8Array {
  const frame: Record<string, unknown> = { v: ROUTE_VERSION, kind: request.kind }
  if (request.site !== undefined) frame.site = request.site
  if (request.root !== undefined) frame.root = request.root
  if (request.path !== undefined) frame.path = request.path
  if (request.cid !== undefined) frame.cid = request.cid
  if (request.headers !== undefined) {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = value
    }
    frame.headers = headers
  }
  return plain(dagCbor.encode(frame))
}

/**
 * Decodes and checks a request frame's bytes. Throws `RouteProtocolError` with a reason:
 * not canonical DAG-CBOR, unknown field, wrong version, or a field of the wrong kind (a `get`
 * without `path`, a `block` without `cid`, a site name that is not canonical...).
 */
export function decodeRequest(bytes: Uint8Array): RouteRequest {
  const frame = decodeCanonical(bytes, 'request')
  const kind = frame.kind
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    fail('invalid-field', `The request kind ${JSON.stringify(kind)} is not get, head or block.`)
  }
  const request: RouteRequest = { kind: kind as RouteKind }
  if (kind === 'block') {
    for (const field of ['site', 'root', 'path', 'headers']) {
      if (field in frame) fail('invalid-field', `A block request has no "${field}".`)
    }
    request.cid = checkCid(frame.cid, 'cid')
    return request
  }
  if ('cid' in frame) fail('invalid-field', `A ${kind} request has no "cid".`)
  if (frame.site === undefined && frame.root === undefined) {
    fail('invalid-field', `A ${kind} request names a site, a root or both.`)
  }
  if (frame.site !== undefined) {
    let canonical: string | undefined
    try {
      canonical = parseSiteName(frame.site as string).site
    } catch {
      canonical = undefined
    }
    if (typeof frame.site !== 'string' || canonical !== frame.site) {
      fail('invalid-field', 'The request\'s "site" is not a canonical site name.')
    }
    request.site = frame.site
  }
  if (frame.root !== undefined) {
    const root = checkCid(frame.root, 'root')
    if (root.code !== DAG_CBOR_CODEC)
      fail('invalid-field', 'The request\'s "root" is not a dag-cbor CID.')
    request.root = root
  }
  if (typeof frame.path !== 'string' || frame.path.length > MAX_RAW_PATH_LENGTH) {
    fail(
      'invalid-field',
      `A ${kind} request has a "path" string of at most ${MAX_RAW_PATH_LENGTH} characters.`,
    )
  }
  request.path = frame.path
  if (frame.headers !== undefined) request.headers = checkHeaders(frame.headers, 'request')
  return request
}

/** DAG-CBOR bytes of a response header frame (without the length prefix); `length` 0 is left out. */
export function encodeResponseHeader(header: RouteResponseHeader): Uint8Array {
  const frame: Record<string, unknown> = {
    v: ROUTE_VERSION,
    status: header.status,
    headers: header.headers,
  }
  if (header.length > 0) frame.length = header.length
  return plain(dagCbor.encode(frame))
}

/** Decodes and checks a response header frame's bytes. Throws `RouteProtocolError`. */
export function decodeResponseHeader(bytes: Uint8Array): RouteResponseHeader {
  const frame = decodeCanonical(bytes, 'response')
  const { status, length = 0 } = frame
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    fail(
      'invalid-field',
      `The response status ${String(status)} is not an integer from 100 to 599.`,
    )
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    fail('invalid-field', `The response length ${String(length)} is not a byte count.`)
  }
  return { status, headers: checkHeaders(frame.headers, 'response'), length }
}
