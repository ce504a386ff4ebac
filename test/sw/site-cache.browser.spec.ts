/**
 * The bound on kept copies (sw/site-cache-bound.ts), in the browser's real Cache Storage: before a copy
 * is written, the oldest written leave until it fits under the bytes and the count caps.
 */
import { describe, it, afterEach } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { makeRoom } from '../../sw/site-cache-bound.ts'

const NAME = 'site-cache-bound-spec'

/** Writes `sizes` as copies `/0`, `/1`… in that order, each stating its length. */
async function writeCopies(cache: Cache, sizes: number[]): Promise<void> {
  for (const [i, size] of sizes.entries())
    await cache.put(
      new URL(`/${i}`, location.href).href,
      new Response(new Uint8Array(size), { headers: { 'content-length': String(size) } }),
    )
}

async function paths(cache: Cache): Promise<string[]> {
  return (await cache.keys()).map((request) => new URL(request.url).pathname)
}

describe('kept copies: the bound per site origin', () => {
  afterEach(async () => {
    await caches.delete(NAME)
  })

  it('deletes the oldest written until the new copy fits under the bytes cap', async () => {
    const cache = await caches.open(NAME)
    await writeCopies(cache, [40, 40, 40])
    await makeRoom(cache, 50, { bytes: 100, copies: 10 })
    assert.deepEqual(await paths(cache), ['/2'])
  })

  it('deletes nothing while the new copy fits', async () => {
    const cache = await caches.open(NAME)
    await writeCopies(cache, [10, 20])
    await makeRoom(cache, 70, { bytes: 100, copies: 3 })
    assert.deepEqual(await paths(cache), ['/0', '/1'])
  })

  it('keeps the count of copies under its cap too', async () => {
    const cache = await caches.open(NAME)
    await writeCopies(cache, [1, 1, 1, 1])
    await makeRoom(cache, 1, { bytes: 100, copies: 3 })
    assert.deepEqual(await paths(cache), ['/2', '/3'])
  })
})
