/**
 * The HTTP vocabulary (`src/core/http`): the pure replies the app's fetch, the host's route
 * answers and the relay's gateway all send, checked once here, in Node and in the browser.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { CHUNK_SIZE, addFiles, type Manifest } from '../../src/core/content/index.ts'
import {
  ManifestCache,
  errorReply,
  etagOf,
  fileReply,
  matchPath,
  notFoundReply,
  redirectReply,
} from '../../src/core/http/index.ts'

const ROOT = 'bafyroot'

async function site(files: Record<string, Uint8Array>): Promise<Manifest> {
  const built = await addFiles(
    Object.entries(files).map(([path, content]) => ({ path, content })),
    { onBlock: () => undefined },
  )
  return built.manifest
}

describe('HTTP replies', () => {
  it('answers a file with 200, its validators, its root and the server’s headers', async () => {
    const manifest = await site({ '/a.txt': utf8('hello') })
    const entry = manifest.files['/a.txt']
    const head = await fileReply(
      entry,
      { method: 'GET' },
      { status: 200, root: ROOT, headers: { 'cache-control': 'no-cache' } },
    )
    assert.equal(head.status, 200)
    assert.deepEqual(head.bytes, { start: 0, end: 5 })
    assert.equal(head.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(head.headers['content-length'], '5')
    assert.equal(head.headers['accept-ranges'], 'bytes')
    assert.equal(head.headers.etag, await etagOf(entry))
    assert.equal(head.headers['x-an-root'], ROOT)
    assert.equal(head.headers['cache-control'], 'no-cache')
    const headOnly = await fileReply(entry, { method: 'HEAD' }, { status: 200, root: ROOT })
    assert.equal(headOnly.bytes, undefined, 'HEAD names no body')
    assert.equal(headOnly.headers['content-length'], '5')
  })

  it('answers 304 to a matching If-None-Match before looking at Range', async () => {
    const manifest = await site({ '/a.txt': utf8('hello') })
    const entry = manifest.files['/a.txt']
    const etag = await etagOf(entry)
    const head = await fileReply(
      entry,
      { method: 'GET', ifNoneMatch: `W/${etag}`, range: 'bytes=99-' },
      { status: 200, root: ROOT, headers: { 'cache-control': 'no-cache' } },
    )
    assert.equal(head.status, 304)
    assert.deepEqual(head.headers, { etag, 'cache-control': 'no-cache', 'x-an-root': ROOT })
    assert.equal(head.bytes, undefined)
  })

  it('answers a range with 206 and Content-Range, and one past the end with 416', async () => {
    const big = new Uint8Array(2 * CHUNK_SIZE + 3)
    const manifest = await site({ '/b.bin': big })
    const entry = manifest.files['/b.bin']
    const part = await fileReply(
      entry,
      { method: 'GET', range: `bytes=${CHUNK_SIZE}-` },
      { status: 200, root: ROOT },
    )
    assert.equal(part.status, 206)
    assert.deepEqual(part.bytes, { start: CHUNK_SIZE, end: big.length })
    assert.equal(
      part.headers['content-range'],
      `bytes ${CHUNK_SIZE}-${big.length - 1}/${big.length}`,
    )
    assert.equal(part.headers['content-length'], String(CHUNK_SIZE + 3))
    const past = await fileReply(
      entry,
      { method: 'GET', range: `bytes=${big.length}-` },
      { status: 200, root: ROOT },
    )
    assert.equal(past.status, 416)
    assert.deepEqual(past.headers, {
      'content-range': `bytes */${big.length}`,
      'x-an-reason': 'range-not-satisfiable',
    })
  })

  it("answers the site's 404 page with 404, no validators and no range", async () => {
    const manifest = await site({ '/404.html': utf8('<h1>gone</h1>') })
    const match = matchPath(manifest, '/missing')
    assert.ok('file' in match && match.status === 404)
    if (!('file' in match)) return
    const head = await fileReply(
      match.file,
      { method: 'GET', range: 'bytes=0-1' },
      { status: 404, root: ROOT },
    )
    assert.equal(head.status, 404)
    assert.equal(head.headers['x-an-reason'], 'not-found')
    assert.equal(head.headers.etag, undefined)
    assert.deepEqual(head.bytes, { start: 0, end: 13 })
  })

  it('matches files, folder redirects and nothing', async () => {
    const manifest = await site({ '/docs/index.html': utf8('x'), '/a b.txt': utf8('y') })
    assert.deepEqual(matchPath(manifest, '/docs'), { redirect: '/docs/' })
    const index = matchPath(manifest, '/docs/')
    assert.ok('file' in index && index.status === 200 && index.path === '/docs/index.html')
    assert.deepEqual(matchPath(manifest, '/none'), { missing: true })
    assert.deepEqual(redirectReply('/docs/?q=1', ROOT), {
      status: 301,
      headers: { location: '/docs/?q=1', 'x-an-root': ROOT },
    })
    assert.deepEqual(notFoundReply(ROOT).headers, { 'x-an-reason': 'not-found', 'x-an-root': ROOT })
  })

  it("answers a typed error with the registry's status, its name and its reason", () => {
    const error = Object.assign(new Error('no such name'), {
      name: 'NameNotFoundError',
      reason: 'none',
    })
    const reply = errorReply(error, { allow: 'GET' })
    assert.equal(reply.status, 404)
    assert.equal(reply.headers['x-an-error'], 'NameNotFoundError')
    assert.equal(reply.headers['x-an-reason'], 'none')
    assert.equal(reply.headers['cache-control'], 'no-store')
    assert.equal(reply.headers.allow, 'GET')
    assert.equal(reply.text, 'NameNotFoundError: no such name\n')
    assert.equal(errorReply(new Error('boom')).status, 500, 'an unknown error is a fault')
  })

  it('keeps the most recently used manifests up to its size', async () => {
    const manifest = await site({ '/a': utf8('a') })
    const cache = new ManifestCache(2)
    cache.set('one', manifest)
    cache.set('two', manifest)
    assert.equal(cache.get('one'), manifest, 'one is now the most recent')
    cache.set('three', manifest)
    assert.equal(cache.get('two'), undefined, 'the least recently used went')
    assert.equal(cache.get('one'), manifest)
  })
})
