import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import rawVectors from '../vectors/content.json' with { type: 'json' }
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { identity } from 'multiformats/hashes/identity'
import { concat, fromHex, toHex, utf8 } from '../../src/core/bytes.ts'
import {
  CHUNK_SIZE,
  MAX_FILES,
  addFiles,
  buildManifest,
  chunkFile,
  contentRange,
  decodeManifest,
  encodePath,
  lookupPath,
  mediaTypeFor,
  normalizePath,
  normalizeRequestPath,
  notFoundEntry,
  parseRange,
  rawCid,
  readVerified,
  verifyBlock,
  verifyFile,
  type Chunk,
  type FileEntry,
  type InvalidPathError,
  type Manifest,
  type MalformedManifestError,
} from '../../src/core/content/index.ts'

/** Shape of test/vectors/content.json (see docs/PROTOCOL.md, "Test vectors"). */
interface ContentVectors {
  blocks: Array<{ data: string; cid: string }>
  sites: Array<{
    name: string
    files: Record<string, string>
    types: Record<string, string>
    chunks: Record<string, string[]>
    manifest: string
    manifestCid: string
    lookups: Array<{ request: string; path?: string; redirect?: string; notFound?: boolean }>
  }>
  paths: Array<{ kind: string; input: string; output?: string; error?: string }>
}
const vectors = rawVectors as unknown as ContentVectors

/** Byte i is i mod 251: the pattern the vectors use. */
function pattern(length: number, offset = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i + offset) % 251)
}

async function collect(source: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = []
  for await (const chunk of source) out.push(chunk)
  return out
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concat(parts)
    parts.push(value)
  }
}

function streamOf(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++])
      else controller.close()
    },
  })
}

/** A file of `size` pattern bytes, chunked, with a block store to read it back from. */
async function storedFile(size: number) {
  const data = pattern(size)
  const blocks = new Map<string, Uint8Array>()
  const chunks = await collect(chunkFile([data]))
  for (const c of chunks) blocks.set(c.cid.toString(), c.bytes)
  const entry: FileEntry = {
    size,
    type: 'application/octet-stream',
    chunks: chunks.map((c) => c.cid),
  }
  const fetched: number[] = []
  const getBlock = async (cid: CID): Promise<Uint8Array> => {
    fetched.push(entry.chunks.findIndex((c) => c.equals(cid)))
    const bytes = blocks.get(cid.toString())
    if (bytes === undefined) throw new Error('no such block')
    return bytes
  }
  return { data, blocks, entry, fetched, getBlock }
}

describe('content: chunking', () => {
  it('yields no chunk for an empty file', async () => {
    assert.equal((await collect(chunkFile([]))).length, 0)
    assert.equal((await collect(chunkFile([new Uint8Array(0), new Uint8Array(0)]))).length, 0)
  })

  it('splits an exact multiple of the chunk size into full chunks only', async () => {
    const chunks = await collect(chunkFile([pattern(2 * CHUNK_SIZE)]))
    assert.deepEqual(
      chunks.map((c) => c.bytes.length),
      [CHUNK_SIZE, CHUNK_SIZE],
    )
  })

  it('puts one byte over a chunk boundary into a last chunk of one byte', async () => {
    const data = pattern(CHUNK_SIZE + 1)
    const chunks = await collect(chunkFile([data]))
    assert.deepEqual(
      chunks.map((c) => c.bytes.length),
      [CHUNK_SIZE, 1],
    )
    assert.deepEqual(chunks[1].bytes, data.subarray(CHUNK_SIZE))
  })

  it('addresses each chunk by CIDv1 raw sha2-256 of its bytes', async () => {
    const [chunk] = await collect(chunkFile([utf8('hello world')]))
    assert.equal(chunk.cid.version, 1)
    assert.equal(chunk.cid.code, 0x55)
    assert.equal(chunk.cid.multihash.code, 0x12)
    assert.ok(chunk.cid.equals(await rawCid(utf8('hello world'))))
  })

  it('gives the same chunks whatever the sizes of the pieces the source delivers', async () => {
    const data = pattern(1000)
    const whole = await collect(chunkFile([data], { chunkSize: 64 }))
    const pieces: Uint8Array[] = []
    for (let i = 0, n = 1; i < data.length; i += n, n = ((n * 7) % 200) + 1)
      pieces.push(data.subarray(i, i + n))
    const split = await collect(chunkFile(pieces, { chunkSize: 64 }))
    assert.deepEqual(
      split.map((c) => c.cid.toString()),
      whole.map((c) => c.cid.toString()),
    )
    assert.deepEqual(concat(split.map((c) => c.bytes)), data)
  })

  it('reads a ReadableStream source', async () => {
    const data = pattern(CHUNK_SIZE + 500)
    const chunks = await collect(chunkFile(streamOf([data.subarray(0, 100), data.subarray(100)])))
    assert.deepEqual(concat(chunks.map((c) => c.bytes)), data)
    assert.deepEqual(
      chunks.map((c) => c.bytes.length),
      [CHUNK_SIZE, 500],
    )
  })

  it('reads an async iterable source', async () => {
    async function* source() {
      yield pattern(10)
      yield pattern(CHUNK_SIZE * 2, 10)
    }
    const chunks = await collect(chunkFile(source()))
    assert.deepEqual(
      chunks.map((c) => c.bytes.length),
      [CHUNK_SIZE, CHUNK_SIZE, 10],
    )
    assert.deepEqual(concat(chunks.map((c) => c.bytes)), pattern(CHUNK_SIZE * 2 + 10))
  })

  it('chunks a 50 MB source holding no more than a chunk and a piece at a time', async () => {
    const piece = pattern(64 * 1024)
    const total = 50 * 1024 * 1024
    let pulled = 0
    async function* source() {
      for (let sent = 0; sent < total; sent += piece.length) {
        pulled += piece.length
        yield piece
      }
    }
    let chunks = 0
    let yielded = 0
    for await (const chunk of chunkFile(source())) {
      assert.equal(chunk.bytes.length, CHUNK_SIZE)
      yielded += chunk.bytes.length
      // The chunker has read at most one chunk beyond what it handed out.
      assert.ok(pulled - yielded <= CHUNK_SIZE, `buffered ${pulled - yielded} bytes`)
      chunks++
    }
    assert.equal(chunks, total / CHUNK_SIZE)
    assert.equal(yielded, total)
  })

  it('cancels a ReadableStream source when the consumer stops early', async () => {
    let cancelled = false
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(pattern(CHUNK_SIZE))
      },
      cancel() {
        cancelled = true
      },
    })
    for await (const _chunk of chunkFile(stream)) break
    assert.ok(cancelled)
  })

  it('stops with the abort reason when the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    reason.name = 'StopError'
    async function* source() {
      yield pattern(CHUNK_SIZE)
      controller.abort(reason)
      yield pattern(CHUNK_SIZE)
    }
    await assert.rejects(collect(chunkFile(source(), { signal: controller.signal })), 'StopError')
  })
})

const site: Array<{ path: string; data: Uint8Array }> = [
  { path: '/index.html', data: utf8('<h1>home</h1>') },
  { path: '/404.html', data: utf8('<h1>not found</h1>') },
  { path: '/docs/index.html', data: utf8('<h1>docs</h1>') },
  { path: '/docs/a b.html', data: utf8('a b') },
  { path: '/docs/caf\u00e9.txt', data: utf8('café') },
  { path: '/img/logo.png', data: pattern(10) },
]

async function inputsOf(files: Array<{ path: string; data: Uint8Array }>) {
  return Promise.all(
    files.map(async ({ path, data }) => ({
      path,
      size: data.length,
      chunks: (await collect(chunkFile([data]))).map((c) => c.cid),
    })),
  )
}

/** Encodes a manifest-like value without the builder's checks. */
async function rawManifest(value: unknown): Promise<{ bytes: Uint8Array; cid: CID }> {
  const bytes = dagCbor.encode(value)
  return { bytes, cid: CID.createV1(0x71, await sha256.digest(bytes)) }
}

describe('content: manifest', () => {
  it('does not depend on the order of the files', async () => {
    const inputs = await inputsOf(site)
    const a = await buildManifest(inputs)
    const b = await buildManifest([...inputs].reverse())
    assert.equal(a.cid.toString(), b.cid.toString())
    assert.deepEqual(a.bytes, b.bytes)
    assert.equal(a.cid.code, 0x71)
  })

  it('round-trips through decodeManifest, verified against its CID', async () => {
    const built = await buildManifest(await inputsOf(site))
    const decoded = await decodeManifest(built.bytes, built.cid)
    assert.deepEqual(decoded, built.manifest)
    assert.deepEqual(Object.keys(decoded.files), Object.keys(built.manifest.files))
    assert.equal(decoded.files['/index.html'].type, 'text/html; charset=utf-8')
  })

  it('normalises paths and fills media types when building', async () => {
    const [chunk] = await collect(chunkFile([utf8('x')]))
    const built = await buildManifest([
      { path: 'docs/cafe\u0301.css', size: 1, chunks: [chunk.cid] },
    ])
    assert.deepEqual(Object.keys(built.manifest.files), ['/docs/caf\u00e9.css'])
    assert.equal(built.manifest.files['/docs/caf\u00e9.css'].type, 'text/css; charset=utf-8')
  })

  it('refuses two files with the same normalised path', async () => {
    const [one] = await inputsOf([{ path: '/a.html', data: utf8('a') }])
    await assert.rejects(buildManifest([one, { ...one, path: 'a.html' }]), 'InvalidManifestError')
  })

  it('refuses a path that is both a file and a folder', async () => {
    const inputs = await inputsOf([
      { path: '/a', data: utf8('a') },
      { path: '/a/b', data: utf8('b') },
    ])
    const error = (await assert.rejects(
      buildManifest(inputs),
      'InvalidManifestError',
    )) as MalformedManifestError
    assert.equal(error.reason, 'path-conflict')
  })

  it('refuses a chunk list that does not fit the size', async () => {
    const [one] = await inputsOf([{ path: '/a', data: utf8('abc') }])
    const error = await assert.rejects(
      buildManifest([{ ...one, size: CHUNK_SIZE + 1 }]),
      'InvalidManifestError',
    )
    assert.equal((error as MalformedManifestError).reason, 'chunk-count')
  })

  it('refuses more than MAX_FILES files', async () => {
    const files = Array.from({ length: MAX_FILES + 1 }, (_, i) => ({
      path: `/${i}`,
      size: 0,
      chunks: [],
    }))
    await assert.rejects(buildManifest(files), 'InvalidManifestError')
  })

  it('refuses bytes that do not match the CID', async () => {
    const built = await buildManifest(await inputsOf(site))
    const other = await buildManifest(await inputsOf(site.slice(1)))
    await assert.rejects(decodeManifest(other.bytes, built.cid), 'BlockVerificationError')
  })

  const good = async () => (await buildManifest(await inputsOf(site.slice(0, 1)))).manifest
  const malformed: Array<[string, string, () => Promise<unknown>]> = [
    ['an unknown top-level field', 'unknown-field', async () => ({ ...(await good()), x: 1 })],
    [
      'a field named __proto__',
      'unknown-field',
      async () => ({ ...(await good()), ...JSON.parse('{"__proto__": 1}') }),
    ],
    ['another version', 'unsupported-version', async () => ({ ...(await good()), v: 2 })],
    ['files that are a list', 'not-a-map', async () => ({ v: 1, files: [] })],
    [
      'a path without leading slash',
      'invalid-path',
      async () => ({ v: 1, files: { 'a.html': { size: 0, type: 'text/html', chunks: [] } } }),
    ],
    [
      'a path with a dot segment',
      'invalid-path',
      async () => ({ v: 1, files: { '/a/../b': { size: 0, type: 'text/html', chunks: [] } } }),
    ],
    [
      'a path that is not NFC',
      'invalid-path',
      async () => ({ v: 1, files: { '/cafe\u0301': { size: 0, type: 'text/plain', chunks: [] } } }),
    ],
    [
      'a negative size',
      'invalid-size',
      async () => ({ v: 1, files: { '/a': { size: -1, type: 'text/plain', chunks: [] } } }),
    ],
    [
      'a media type with a line break',
      'invalid-type',
      async () => ({ v: 1, files: { '/a': { size: 0, type: 'text/html\r\nX: y', chunks: [] } } }),
    ],
    [
      'an unknown entry field',
      'unknown-field',
      async () => ({
        v: 1,
        files: { '/a': { size: 0, type: 'text/plain', chunks: [], headers: {} } },
      }),
    ],
    [
      'a chunk that is not a raw CID',
      'invalid-chunk',
      async () => {
        const m = await good()
        const chunk = m.files['/index.html'].chunks[0]
        return {
          v: 1,
          files: {
            '/index.html': {
              ...m.files['/index.html'],
              chunks: [CID.createV1(0x71, chunk.multihash)],
            },
          },
        }
      },
    ],
    [
      'a chunk count that does not fit the size',
      'chunk-count',
      async () => {
        const m = await good()
        return { v: 1, files: { '/index.html': { ...m.files['/index.html'], size: 0 } } }
      },
    ],
  ]
  for (const [what, reason, make] of malformed) {
    it(`refuses a manifest with ${what}`, async () => {
      const { bytes, cid } = await rawManifest(await make())
      const error = await assert.rejects(decodeManifest(bytes, cid), 'MalformedManifestError')
      assert.equal((error as MalformedManifestError).reason, reason)
    })
  }

  it('refuses a non-canonical encoding of a valid manifest', async () => {
    // {"files": {}, "v": 1}: keys out of DAG-CBOR order.
    const bytes = fromHex('a26566696c6573a0617601')
    const error = await assert.rejects(decodeManifest(bytes), 'MalformedManifestError')
    assert.equal((error as MalformedManifestError).reason, 'not-canonical')
    assert.deepEqual(await decodeManifest(fromHex('a26176016566696c6573a0')), { v: 1, files: {} })
  })

  it('refuses bytes that are not CBOR', async () => {
    await assert.rejects(decodeManifest(utf8('{"v":1}')), 'MalformedManifestError')
  })
})

describe('content: lookup', () => {
  const manifest = async (): Promise<Manifest> =>
    (await buildManifest(await inputsOf(site))).manifest
  const cases: Array<[string, string | { redirect: string } | null]> = [
    ['/', '/index.html'],
    ['/index.html', '/index.html'],
    ['/docs/', '/docs/index.html'],
    ['/docs', { redirect: '/docs/' }],
    ['/docs/a b.html', '/docs/a b.html'],
    ['/docs/café.txt', '/docs/café.txt'],
    ['/img', null],
    ['/img/', null],
    ['/img/logo.png/', null],
    ['/missing.html', null],
    ['/404', null],
  ]
  for (const [request, expected] of cases) {
    it(`resolves ${request} to ${JSON.stringify(expected)}`, async () => {
      const found = lookupPath(await manifest(), request)
      if (expected === null) assert.equal(found, null)
      else if (typeof expected === 'string')
        assert.equal(found !== null && 'path' in found ? found.path : found, expected)
      else assert.deepEqual(found, expected)
    })
  }

  it('percent-encodes the redirect target so it round-trips', async () => {
    const built = await buildManifest(
      await inputsOf([{ path: '/my docs/index.html', data: utf8('x') }]),
    )
    const found = lookupPath(built.manifest, normalizeRequestPath('/my%20docs'))
    assert.deepEqual(found, { redirect: '/my%20docs/' })
    assert.equal(normalizeRequestPath('/my%20docs/'), '/my docs/')
  })

  it('finds the 404 page when the site has one', async () => {
    const m = await manifest()
    assert.equal(notFoundEntry(m)?.path, '/404.html')
    const { ['/404.html']: _gone, ...rest } = m.files
    assert.equal(notFoundEntry({ v: 1, files: rest }), null)
  })
})

describe('content: paths', () => {
  const hostile: Array<[string, string]> = [
    ['/a/../b', 'dot-segment'],
    ['/a/./b', 'dot-segment'],
    ['/..', 'dot-segment'],
    ['/%2e%2e/x', 'dot-segment'],
    ['/%2E%2e/x', 'dot-segment'],
    ['/.%2e/x', 'dot-segment'],
    ['/a%2Fb', 'encoded-separator'],
    ['/a%2fb', 'encoded-separator'],
    ['/a%5Cb', 'encoded-separator'],
    ['\\x', 'not-absolute'],
    ['/\\x', 'backslash'],
    ['/a%00', 'control-character'],
    ['/a\u0000', 'control-character'],
    ['/a%0d%0aX', 'control-character'],
    ['/a%7f', 'control-character'],
    ['/%ff', 'invalid-utf8'],
    ['/%C0%AF', 'invalid-utf8'],
    ['/%ED%A0%80', 'invalid-utf8'],
    ['/%', 'invalid-percent-encoding'],
    ['/%4', 'invalid-percent-encoding'],
    ['/%zz', 'invalid-percent-encoding'],
    ['/a//b', 'empty-segment'],
    ['//a', 'empty-segment'],
    ['', 'empty'],
    ['a/b', 'not-absolute'],
    ['/a?b', 'reserved-character'],
    ['/a#b', 'reserved-character'],
    [`/${'x'.repeat(256)}`, 'segment-too-long'],
    [`/${'%C3%A9'.repeat(128)}`, 'segment-too-long'],
    [`/${'abcdefgh/'.repeat(114)}x`, 'path-too-long'],
    [`/${'%41'.repeat(2000)}`, 'path-too-long'],
  ]
  for (const [input, reason] of hostile) {
    it(`refuses the request path ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)} (${reason})`, () => {
      const error = assert.throws(
        () => normalizeRequestPath(input),
        'InvalidPathError',
      ) as InvalidPathError
      assert.equal(error.reason, reason)
    })
  }

  const accepted: Array<[string, string]> = [
    ['/', '/'],
    ['/docs/', '/docs/'],
    ['/a%20b.html', '/a b.html'],
    ['/a b.html', '/a b.html'],
    ['/%25', '/%'],
    ['/%252e%252e', '/%2e%2e'],
    ['/cafe%CC%81', '/caf\u00e9'],
    ['/caf\u00e9', '/caf\u00e9'],
    ['/.well-known/x', '/.well-known/x'],
    ['/...', '/...'],
    [`/${'x'.repeat(255)}`, `/${'x'.repeat(255)}`],
  ]
  for (const [input, output] of accepted) {
    it(`normalises the request path ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.equal(normalizeRequestPath(input), output)
    })
  }

  it('normalises file paths without percent-decoding them', () => {
    assert.equal(normalizePath('index.html'), '/index.html')
    assert.equal(normalizePath('/docs/a%20b.html'), '/docs/a%20b.html')
    assert.equal(normalizePath('cafe\u0301/x'), '/caf\u00e9/x')
  })

  const hostileFiles: Array<[string, string]> = [
    ['', 'empty'],
    ['/', 'empty'],
    ['/a/', 'trailing-slash'],
    ['a//b', 'empty-segment'],
    ['../x', 'dot-segment'],
    ['a\\b', 'backslash'],
    ['a\nb', 'control-character'],
    ['a\ud800', 'invalid-utf8'],
  ]
  for (const [input, reason] of hostileFiles) {
    it(`refuses the file path ${JSON.stringify(input)} (${reason})`, () => {
      const error = assert.throws(
        () => normalizePath(input),
        'InvalidPathError',
      ) as InvalidPathError
      assert.equal(error.reason, reason)
    })
  }

  it('encodes paths that decode back to themselves', () => {
    for (const path of ['/a b/c%d?.html', '/caf\u00e9/', '/#x', '/']) {
      assert.equal(normalizeRequestPath(encodePath(path)), path)
    }
  })
})

describe('content: media types', () => {
  it('knows common web extensions, whatever their case', () => {
    assert.equal(mediaTypeFor('/index.html'), 'text/html; charset=utf-8')
    assert.equal(mediaTypeFor('/app.MJS'), 'text/javascript; charset=utf-8')
    assert.equal(mediaTypeFor('/a/b.woff2'), 'font/woff2')
    assert.equal(mediaTypeFor('/x.wasm'), 'application/wasm')
    assert.equal(mediaTypeFor('/site.webmanifest'), 'application/manifest+json; charset=utf-8')
  })

  it('falls back to application/octet-stream', () => {
    assert.equal(mediaTypeFor('/README'), 'application/octet-stream')
    assert.equal(mediaTypeFor('/.htaccess'), 'application/octet-stream')
    assert.equal(mediaTypeFor('/x.toString'), 'application/octet-stream')
    assert.equal(mediaTypeFor('/x.constructor'), 'application/octet-stream')
    assert.equal(mediaTypeFor('/a.b/c'), 'application/octet-stream')
  })
})

describe('content: block verification', () => {
  it('accepts a block that matches its CID', async () => {
    const bytes = utf8('hello world')
    await verifyBlock(await rawCid(bytes), bytes)
  })

  const refusals: Array<[string, string, () => Promise<[CID, Uint8Array]>]> = [
    ['other bytes', 'hash-mismatch', async () => [await rawCid(utf8('hello')), utf8('hellO')]],
    [
      'an unsupported codec',
      'unsupported-codec',
      async () => [CID.createV1(0x70, await sha256.digest(utf8('x'))), utf8('x')],
    ],
    [
      'an unsupported hash',
      'unsupported-hash',
      async () => [CID.createV1(0x55, await sha512.digest(utf8('x'))), utf8('x')],
    ],
    [
      'an identity hash',
      'unsupported-hash',
      async () => [CID.createV1(0x55, identity.digest(utf8('x'))), utf8('x')],
    ],
    [
      'a CIDv0',
      'unsupported-cid-version',
      async () => [CID.createV0(await sha256.digest(utf8('x'))), utf8('x')],
    ],
    [
      'a raw block over CHUNK_SIZE',
      'too-large',
      async () => {
        const big = pattern(CHUNK_SIZE + 1)
        return [await rawCid(big), big]
      },
    ],
  ]
  for (const [what, reason, make] of refusals) {
    it(`refuses ${what}`, async () => {
      const [cid, bytes] = await make()
      const error = (await assert.rejects(verifyBlock(cid, bytes), 'BlockVerificationError')) as {
        reason: string
      }
      assert.equal(error.reason, reason)
    })
  }

  it('accepts a whole file and refuses a missing, extra or tampered chunk', async () => {
    const { data, entry } = await storedFile(CHUNK_SIZE + 10)
    const parts = [data.subarray(0, CHUNK_SIZE), data.subarray(CHUNK_SIZE)]
    await verifyFile(entry, parts)
    const reason = async (chunks: Uint8Array[]) =>
      (
        (await assert.rejects(verifyFile(entry, chunks), 'BlockVerificationError')) as {
          reason: string
        }
      ).reason
    assert.equal(await reason(parts.slice(0, 1)), 'missing-block')
    assert.equal(await reason([...parts, utf8('x')]), 'extra-block')
    const tampered = parts[1].slice()
    tampered[0] ^= 1
    assert.equal(await reason([parts[0], tampered]), 'hash-mismatch')
  })
})

describe('content: verified reads', () => {
  const SIZE = 600_000
  const ranges: Array<[string, number, number, number[]]> = [
    ['the first byte', 0, 1, [0]],
    ['a range across a chunk boundary', CHUNK_SIZE - 10, CHUNK_SIZE + 10, [0, 1]],
    ['a range inside the last chunk', 2 * CHUNK_SIZE + 5, 2 * CHUNK_SIZE + 50, [2]],
    ['the last byte', SIZE - 1, SIZE, [2]],
    ['the whole file', 0, SIZE, [0, 1, 2]],
  ]
  for (const [what, start, end, fetched] of ranges) {
    it(`reads ${what}, fetching only the chunks that cover it`, async () => {
      const file = await storedFile(SIZE)
      const bytes = await readAll(readVerified(file.entry, file.getBlock, { start, end }))
      assert.deepEqual(bytes, file.data.subarray(start, end))
      assert.deepEqual([...file.fetched].sort(), fetched)
    })
  }

  it('reads the whole file by default and nothing for an empty range or file', async () => {
    const file = await storedFile(CHUNK_SIZE * 2)
    assert.deepEqual(await readAll(readVerified(file.entry, file.getBlock)), file.data)
    assert.equal(
      (await readAll(readVerified(file.entry, file.getBlock, { start: 5, end: 5 }))).length,
      0,
    )
    const empty = await storedFile(0)
    assert.equal((await readAll(readVerified(empty.entry, empty.getBlock))).length, 0)
    assert.deepEqual(empty.fetched, [])
  })

  it('errors on a tampered block without emitting any byte of it', async () => {
    const file = await storedFile(SIZE)
    const key = file.entry.chunks[1].toString()
    const bad = (file.blocks.get(key) as Uint8Array).slice()
    bad[1000] ^= 0xff
    file.blocks.set(key, bad)
    const reader = readVerified(file.entry, file.getBlock).getReader()
    const received: Uint8Array[] = []
    const error = await assert.rejects(async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        received.push(value)
      }
    }, 'BlockVerificationError')
    assert.equal((error as { reason: string }).reason, 'hash-mismatch')
    assert.deepEqual(concat(received), file.data.subarray(0, CHUNK_SIZE))
  })

  it('errors on a block of the wrong size even when its hash matches', async () => {
    const file = await storedFile(CHUNK_SIZE + 10)
    const short = pattern(5)
    const entry = { ...file.entry, chunks: [file.entry.chunks[0], await rawCid(short)] }
    file.blocks.set(entry.chunks[1].toString(), short)
    const error = await assert.rejects(
      readAll(readVerified(entry, file.getBlock)),
      'BlockVerificationError',
    )
    assert.equal((error as { reason: string }).reason, 'wrong-size')
  })

  it('aborts the fetches under way when the stream is cancelled', async () => {
    const file = await storedFile(SIZE)
    const signals: AbortSignal[] = []
    const stream = readVerified(file.entry, (cid, { signal }) => {
      signals.push(signal)
      return new Promise<Uint8Array>(() => {
        void cid
      })
    })
    const reader = stream.getReader()
    void reader.read().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 0))
    await reader.cancel()
    assert.ok(signals.length > 0)
    assert.ok(signals.every((s) => s.aborted))
  })

  it("errors with the reason of the caller's signal", async () => {
    const file = await storedFile(SIZE)
    const controller = new AbortController()
    const reason = new Error('gone')
    reason.name = 'GoneError'
    const stream = readVerified(file.entry, () => new Promise<Uint8Array>(() => {}), {
      signal: controller.signal,
    })
    const reading = readAll(stream)
    controller.abort(reason)
    await assert.rejects(reading, 'GoneError')
  })

  it('refuses a range outside the file', async () => {
    const file = await storedFile(10)
    assert.throws(
      () => readVerified(file.entry, file.getBlock, { start: 0, end: 11 }),
      'RangeError',
    )
    assert.throws(() => readVerified(file.entry, file.getBlock, { start: 5, end: 4 }), 'RangeError')
  })
})

describe('content: Range headers', () => {
  const cases: Array<
    [string | undefined, number, { start: number; end: number } | null | 'unsatisfiable']
  > = [
    [undefined, 100, null],
    ['bytes=0-0', 100, { start: 0, end: 1 }],
    ['bytes=0-99', 100, { start: 0, end: 100 }],
    ['bytes=10-', 100, { start: 10, end: 100 }],
    ['bytes=-10', 100, { start: 90, end: 100 }],
    ['bytes=-1000', 100, { start: 0, end: 100 }],
    ['bytes=50-1000', 100, { start: 50, end: 100 }],
    ['BYTES = 1-2', 100, { start: 1, end: 3 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=100-200', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=-5', 0, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, null],
    ['bytes=5-1', 100, null],
    ['bytes=a-b', 100, null],
    ['items=0-1', 100, null],
    ['bytes=-', 100, null],
  ]
  for (const [header, size, expected] of cases) {
    it(`parses ${JSON.stringify(header)} for ${size} bytes as ${JSON.stringify(expected)}`, () => {
      if (expected === 'unsatisfiable') {
        const error = assert.throws(() => parseRange(header, size), 'RangeNotSatisfiableError')
        assert.equal((error as { size: number }).size, size)
      } else {
        assert.deepEqual(parseRange(header, size), expected)
      }
    })
  }

  it('formats Content-Range with an inclusive last byte', () => {
    assert.equal(contentRange({ start: 0, end: 100 }, 1000), 'bytes 0-99/1000')
  })
})

describe('content: adding a site', () => {
  it('hands every block to onBlock and builds the manifest', async () => {
    const stored = new Map<string, Uint8Array>()
    const progress: number[] = []
    const big = pattern(CHUNK_SIZE + 3)
    async function* files() {
      yield { path: 'index.html', content: utf8('<h1>hi</h1>') }
      yield { path: 'big.bin', content: streamOf([big]), type: 'application/x-test' }
      yield { path: 'empty.txt', content: new Uint8Array(0) }
    }
    const result = await addFiles(files(), {
      onBlock: (cid, bytes) => void stored.set(cid.toString(), bytes),
      onProgress: (p) => progress.push(p.totalBytes),
    })
    assert.deepEqual(Object.keys(result.manifest.files).sort(), [
      '/big.bin',
      '/empty.txt',
      '/index.html',
    ])
    assert.equal(result.manifest.files['/big.bin'].type, 'application/x-test')
    assert.equal(result.manifest.files['/empty.txt'].chunks.length, 0)
    assert.equal(stored.size, 3)
    assert.deepEqual(progress.at(-1), 11 + big.length)
    const entry = result.manifest.files['/big.bin']
    const read = readVerified(entry, async (cid) => stored.get(cid.toString()) as Uint8Array)
    assert.deepEqual(await readAll(read), big)
    assert.deepEqual(await decodeManifest(result.bytes, result.cid), result.manifest)
  })

  it('refuses a duplicate path before chunking it', async () => {
    let blocks = 0
    const files = [
      { path: '/a.html', content: utf8('a') },
      { path: 'a.html', content: utf8('b') },
    ]
    await assert.rejects(addFiles(files, { onBlock: () => void blocks++ }), 'InvalidManifestError')
    assert.equal(blocks, 1)
  })
})

describe('content: test vectors', () => {
  it('recomputes every block CID', async () => {
    assert.ok(vectors.blocks.length >= 4)
    for (const block of vectors.blocks) {
      const cid = await rawCid(fromHex(block.data))
      assert.equal(cid.toString(), block.cid)
    }
  })

  it('rebuilds every site manifest and its CID from the files', async () => {
    assert.ok(vectors.sites.length >= 3)
    for (const v of vectors.sites) {
      const files = Object.entries(v.files).map(([path, hex]) => ({
        path,
        content: fromHex(hex),
        type: v.types[path],
      }))
      const built = await addFiles(files, { onBlock: () => {} })
      assert.equal(built.cid.toString(), v.manifestCid, v.name)
      assert.equal(toHex(built.bytes), v.manifest, v.name)
      for (const [path, cids] of Object.entries(v.chunks)) {
        assert.deepEqual(built.manifest.files[path].chunks.map(String), cids, path)
      }
      const decoded = await decodeManifest(fromHex(v.manifest), CID.parse(v.manifestCid))
      for (const l of v.lookups) {
        const found = lookupPath(decoded, normalizeRequestPath(l.request))
        if (l.notFound === true) assert.equal(found, null, l.request)
        else if (l.redirect !== undefined)
          assert.deepEqual(found, { redirect: l.redirect }, l.request)
        else
          assert.equal(
            found !== null && 'path' in found ? found.path : undefined,
            l.path,
            l.request,
          )
      }
    }
  })

  it('agrees with every path vector', () => {
    for (const v of vectors.paths) {
      const normalize = v.kind === 'file' ? normalizePath : normalizeRequestPath
      if (v.output !== undefined) assert.equal(normalize(v.input), v.output, v.input)
      else
        assert.equal(
          (assert.throws(() => normalize(v.input), 'InvalidPathError') as InvalidPathError).reason,
          v.error,
        )
    }
  })
})
