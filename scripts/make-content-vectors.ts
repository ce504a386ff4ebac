/**
 * Writes test/vectors/content.json: block CIDs, site manifests and path normalisation cases
 * for other implementations of docs/PROTOCOL.md. Deterministic: run it again and the
 * file does not change. Usage: `node scripts/make-content-vectors.ts`.
 *
 * Large data comes from one documented pattern: byte i of a patterned buffer is `i mod 251`
 * (a prime, so chunk boundaries do not line up with the pattern and every chunk differs).
 * @module
 */
import { writeFileSync } from 'node:fs'
import { toHex, utf8 } from '../src/core/bytes.ts'
import {
  CHUNK_SIZE,
  addFiles,
  chunkFile,
  lookupPath,
  normalizePath,
  normalizeRequestPath,
  rawCid,
  type InvalidPathError,
} from '../src/core/content/index.ts'

/** `length` bytes of the pattern `i mod 251`. */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251)
}

const BLOCKS: Uint8Array[] = [
  new Uint8Array(0),
  utf8('a'),
  utf8('hello world'),
  pattern(CHUNK_SIZE),
]

const SITES: Array<{ name: string; files: Record<string, Uint8Array>; requests: string[] }> = [
  {
    name: 'one page',
    files: { '/index.html': utf8('<!doctype html><title>Hello</title><h1>Hello, Alternet</h1>\n') },
    requests: ['/', '/index.html', '/missing'],
  },
  {
    name: 'nested folders, index pages, a 404 page, an empty file, non-ASCII and space in names',
    files: {
      '/index.html': utf8('<!doctype html><title>Home</title><a href="docs/">Docs</a>\n'),
      '/404.html': utf8('<!doctype html><title>Not found</title><h1>Not found</h1>\n'),
      '/style.css': utf8('body { font-family: sans-serif }\n'),
      '/docs/index.html': utf8('<!doctype html><title>Docs</title><a href="a%20b.html">A B</a>\n'),
      '/docs/a b.html': utf8('<!doctype html><title>A B</title>\n'),
      '/docs/caf\u00e9.txt': utf8('caf\u00e9\n'),
      '/docs/empty.txt': new Uint8Array(0),
      '/img/logo.svg': utf8('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'),
    },
    requests: [
      '/',
      '/docs',
      '/docs/',
      '/docs/a%20b.html',
      '/docs/cafe%CC%81.txt',
      '/img',
      '/img/',
      '/nope',
    ],
  },
  {
    name: 'a multi-chunk file: 600000 bytes of the pattern i mod 251 (chunks of 262144, 262144, 75712)',
    files: {
      '/index.html': utf8('<!doctype html><a href="data.bin">data</a>\n'),
      '/data.bin': pattern(600_000),
    },
    requests: ['/data.bin'],
  },
]

const FILE_PATHS = [
  'index.html',
  '/docs/a b.html',
  '/cafe\u0301',
  '/a/../b',
  '/a//b',
  '/a/',
  'a\\b',
  '/%2e%2e/x',
  '/a\u0000b',
]
const REQUEST_PATHS = [
  '/',
  '/docs/',
  '/docs/a%20b.html',
  '/cafe%CC%81',
  '/caf%C3%A9',
  '/%25',
  '/a/../b',
  '/a/./b',
  '/%2e%2e/x',
  '/a%2Fb',
  '/a%5cb',
  '\\x',
  '/a\\b',
  '/a%00',
  '/%ff',
  '/%C0%AF',
  '/%e',
  '/a//b',
  'a',
  '/a?b',
  `/${'a'.repeat(256)}`,
  `/${'a/'.repeat(600)}`,
]

function pathCase(kind: 'file' | 'request', input: string): Record<string, string> {
  try {
    const output = kind === 'file' ? normalizePath(input) : normalizeRequestPath(input)
    return { kind, input, output }
  } catch (error) {
    return { kind, input, error: (error as InvalidPathError).reason }
  }
}

const blocks = await Promise.all(
  BLOCKS.map(async (data) => ({ data: toHex(data), cid: (await rawCid(data)).toString() })),
)

const sites = []
for (const site of SITES) {
  const chunks: Record<string, string[]> = {}
  const built = await addFiles(
    Object.entries(site.files).map(([path, content]) => ({ path, content })),
    { onBlock: () => {} },
  )
  for (const [path, data] of Object.entries(site.files)) {
    chunks[path] = []
    for await (const chunk of chunkFile([data])) chunks[path].push(chunk.cid.toString())
  }
  const types = Object.fromEntries(
    Object.entries(built.manifest.files).map(([p, e]) => [p, e.type]),
  )
  const lookups = site.requests.map((request) => {
    const found = lookupPath(built.manifest, normalizeRequestPath(request))
    if (found === null) return { request, notFound: true }
    return 'redirect' in found
      ? { request, redirect: found.redirect }
      : { request, path: found.path }
  })
  sites.push({
    name: site.name,
    files: Object.fromEntries(Object.entries(site.files).map(([p, d]) => [p, toHex(d)])),
    types,
    chunks,
    manifest: toHex(built.bytes),
    manifestCid: built.cid.toString(),
    lookups,
  })
}

const paths = [
  ...FILE_PATHS.map((p) => pathCase('file', p)),
  ...REQUEST_PATHS.map((p) => pathCase('request', p)),
]

const url = new URL('../test/vectors/content.json', import.meta.url)
writeFileSync(url, `${JSON.stringify({ blocks, sites, paths }, null, 2)}\n`)
console.log(
  `wrote ${url.pathname}: ${blocks.length} blocks, ${sites.length} sites, ${paths.length} paths`,
)
