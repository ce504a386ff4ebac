import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { buildManifest, rawCid } from '../../src/core/content/index.ts'
import { fromHex, toHex, utf8 } from '../../src/core/bytes.ts'
import {
  decodeRequest,
  decodeResponseHeader,
  encodeRequest,
  encodeResponseHeader,
  etagOf,
  ifNoneMatchMatches,
  lengthPrefixed,
  type RouteRequest,
} from '../../src/net/route/index.ts'
import { deepEqual, equal, match, ok, throws } from '../support/assert.ts'
import { describe, it } from '../support/spec.ts'

// The examples of docs/PROTOCOL.md, "Examples": the site of one 11-byte index.html.
const DOC_REQUEST =
  '6ca6617601646b696e64636765746470617468612f64726f6f74d82a58250001711220415b39e4b237c108fe5a82f9f1bf9affcc36aa66102267e90474d8de00f3dc2864736974656b6d79736974653a636f64656768656164657273a16572616e67656962797465733d302d34'
const DOC_RESPONSE =
  '60a4617601666c656e677468056673746174757318ce6768656164657273a26c636f6e74656e742d747970657818746578742f68746d6c3b20636861727365743d7574662d386d636f6e74656e742d72616e67656c627974657320302d342f3131'
const DOC_BLOCK_REQUEST =
  '3ca361760163636964d82a58250001551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9646b696e6465626c6f636b'

async function docSite(): Promise<{ chunk: CID; root: CID }> {
  const chunk = await rawCid(utf8('hello world'))
  const { cid } = await buildManifest([{ path: '/index.html', size: 11, chunks: [chunk] }])
  return { chunk, root: cid }
}

/** Request bytes with one field changed, encoded canonically (so only that field is wrong). */
function withField(base: Record<string, unknown>, field: string, value: unknown): Uint8Array {
  const frame = { ...base, [field]: value }
  if (value === undefined) delete frame[field]
  return dagCbor.encode(frame)
}

function refusal(bytes: Uint8Array, decode: (b: Uint8Array) => unknown = decodeRequest): string {
  const error = throws(() => decode(bytes), 'RouteProtocolError') as { reason: string }
  return error.reason
}

describe('route codec', () => {
  it('encodes the request and response of the spec byte for byte', async () => {
    const { chunk, root } = await docSite()
    const request = lengthPrefixed(
      encodeRequest({
        kind: 'get',
        site: 'mysite:code',
        root,
        path: '/',
        headers: { range: 'bytes=0-4' },
      }),
    )
    equal(toHex(request), DOC_REQUEST)
    const response = lengthPrefixed(
      encodeResponseHeader({
        status: 206,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-range': 'bytes 0-4/11' },
        length: 5,
      }),
    )
    equal(toHex(response), DOC_RESPONSE)
    equal(toHex(lengthPrefixed(encodeRequest({ kind: 'block', cid: chunk }))), DOC_BLOCK_REQUEST)
  })

  it('round-trips get, head and block requests', async () => {
    const { chunk, root } = await docSite()
    const requests: RouteRequest[] = [
      {
        kind: 'get',
        site: 'api.mysite:code',
        root,
        path: '/a%20b.html',
        headers: { range: 'bytes=-5', 'if-none-match': '"x"' },
      },
      { kind: 'head', root, path: '/' },
      { kind: 'get', site: 'mysite:code', path: '/docs/' },
      { kind: 'block', cid: chunk },
    ]
    for (const request of requests) {
      const decoded = decodeRequest(encodeRequest(request))
      equal(decoded.kind, request.kind)
      equal(decoded.site, request.site)
      equal(decoded.path, request.path)
      deepEqual(decoded.headers, request.headers)
      equal(decoded.root?.toString(), request.root?.toString())
      equal(decoded.cid?.toString(), request.cid?.toString())
    }
  })

  it('round-trips response headers, leaving out a zero length', () => {
    const header = { status: 301, headers: { location: '/docs/' }, length: 0 }
    deepEqual(decodeResponseHeader(encodeResponseHeader(header)), header)
    equal('length' in dagCbor.decode<Record<string, unknown>>(encodeResponseHeader(header)), false)
    const withBody = { status: 200, headers: { 'content-type': 'text/plain' }, length: 3_000_123 }
    deepEqual(decodeResponseHeader(encodeResponseHeader(withBody)), withBody)
  })

  it('prefixes frames with a minimal unsigned varint', () => {
    equal(toHex(lengthPrefixed(new Uint8Array(0))), '00')
    equal(toHex(lengthPrefixed(new Uint8Array(127)).subarray(0, 1)), '7f')
    equal(toHex(lengthPrefixed(new Uint8Array(300)).subarray(0, 2)), 'ac02')
    equal(lengthPrefixed(new Uint8Array(300)).length, 302)
  })

  it('refuses request frames that are not canonical DAG-CBOR maps of version 1', async () => {
    const { root } = await docSite()
    const base = { v: 1, kind: 'get', site: 'mysite:code', root, path: '/' }
    equal(refusal(fromHex('ff')), 'not-cbor')
    // {"kind": "block", "v": 1}: keys out of DAG-CBOR order.
    equal(refusal(fromHex('a2646b696e6465626c6f636b617601')), 'not-canonical')
    // A trailing byte after the map.
    equal(refusal(new Uint8Array([...dagCbor.encode(base), 0])), 'not-cbor')
    equal(refusal(dagCbor.encode(['get'])), 'not-a-map')
    equal(refusal(withField(base, 'v', 2)), 'unsupported-version')
    equal(refusal(withField(base, 'v', undefined)), 'unsupported-version')
    equal(refusal(withField(base, 'method', 'GET')), 'unknown-field')
  })

  it('refuses request fields of the wrong kind', async () => {
    const { chunk, root } = await docSite()
    const get = { v: 1, kind: 'get', site: 'mysite:code', root, path: '/' }
    const block = { v: 1, kind: 'block', cid: chunk }
    const invalid: Uint8Array[] = [
      withField(get, 'kind', 'put'),
      withField(get, 'path', undefined),
      withField(get, 'path', 7),
      withField(get, 'path', '/'.repeat(3073)),
      withField({ v: 1, kind: 'get', path: '/' }, 'headers', {}),
      withField(get, 'site', 'MySite:Code'),
      withField(get, 'site', 'no-topic'),
      withField(get, 'root', chunk),
      withField(get, 'root', 'bafy'),
      withField(get, 'cid', chunk),
      withField(get, 'headers', { range: 'bytes=0-1\r\nx: y' }),
      withField(get, 'headers', { Range: 'bytes=0-1' }),
      withField(get, 'headers', { range: 'x'.repeat(1025) }),
      withField(get, 'headers', { range: 5 }),
      withField(get, 'headers', ['range']),
      withField(block, 'cid', undefined),
      withField(block, 'cid', CID.parse(chunk.toV1().toString()).bytes),
      withField(block, 'path', '/'),
      withField(block, 'site', 'mysite:code'),
    ]
    for (const bytes of invalid) equal(refusal(bytes), 'invalid-field', toHex(bytes))
  })

  it('refuses response frames with a bad status, length or headers', () => {
    const base = { v: 1, status: 200, headers: {} }
    const decode = decodeResponseHeader
    equal(refusal(withField(base, 'status', 99), decode), 'invalid-field')
    equal(refusal(withField(base, 'status', 600), decode), 'invalid-field')
    equal(refusal(withField(base, 'status', '200'), decode), 'invalid-field')
    equal(refusal(withField(base, 'length', -1), decode), 'invalid-field')
    equal(refusal(withField(base, 'length', 2 ** 53), decode), 'invalid-field')
    equal(refusal(withField(base, 'headers', undefined), decode), 'invalid-field')
    equal(refusal(withField(base, 'headers', { etag: 'a\nb' }), decode), 'invalid-field')
    equal(refusal(withField(base, 'body', new Uint8Array(1)), decode), 'unknown-field')
  })

  it('derives a file ETag from its chunk CIDs and matches If-None-Match weakly', async () => {
    const a = await rawCid(utf8('a'))
    const b = await rawCid(utf8('b'))
    const one = await etagOf({ size: 2, type: 'text/plain', chunks: [a] })
    const same = await etagOf({ size: 2, type: 'text/html', chunks: [a] })
    const other = await etagOf({ size: 2, type: 'text/plain', chunks: [b] })
    match(one, /^"b[a-z2-7]{52}"$/)
    equal(one, same)
    ok(one !== other)
    ok(ifNoneMatchMatches(one, one))
    ok(ifNoneMatchMatches(`"x", W/${one}`, one))
    ok(ifNoneMatchMatches(' * ', one))
    ok(!ifNoneMatchMatches(other, one))
    ok(!ifNoneMatchMatches(undefined, one))
  })
})
