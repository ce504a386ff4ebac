/**
 * A page's first chunk asked for beside the manifest is used only when it hashes to the chunk
 * the manifest lists, for the path it was asked by, and the range lies in that chunk.
 */
import { utf8 } from '../../src/core/bytes.ts'
import { rawCid, type FileEntry } from '../../src/core/content/index.ts'
import { takeFirstChunk, type FirstChunk } from '../../src/net/fetch/first-chunk.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

const PAGE = utf8('<h1>first chunk</h1>')

async function pageEntry(): Promise<FileEntry> {
  return { size: PAGE.length, type: 'text/html', chunks: [await rawCid(PAGE)] }
}

const early = (bytes: Uint8Array | undefined, path = '/'): FirstChunk => ({
  path,
  bytes: Promise.resolve(bytes),
})

describe('takeFirstChunk', () => {
  it('gives the asked range of a chunk that matches the manifest, and keeps it', async () => {
    const entry = await pageEntry()
    const kept: string[] = []
    const got = await takeFirstChunk(
      early(PAGE),
      entry,
      { start: 4, end: PAGE.length, path: '/' },
      (cid) => kept.push(cid.toString()),
    )
    assert.deepEqual(got, PAGE.subarray(4))
    assert.deepEqual(kept, [entry.chunks[0].toString()])
  })

  it('refuses bytes that are not the chunk the manifest lists', async () => {
    const entry = await pageEntry()
    const wrong = utf8('<h1>first chunQ</h1>')
    const kept: string[] = []
    const got = await takeFirstChunk(
      early(wrong),
      entry,
      { start: 0, end: PAGE.length, path: '/' },
      (cid) => kept.push(cid.toString()),
    )
    assert.equal(got, undefined)
    assert.deepEqual(kept, [])
  })

  it('is not used for another path, or when nothing came', async () => {
    const entry = await pageEntry()
    const range = { start: 0, end: PAGE.length, path: '/' }
    assert.equal(await takeFirstChunk(early(PAGE, '/other.html'), entry, range), undefined)
    assert.equal(await takeFirstChunk(early(undefined), entry, range), undefined)
    assert.equal(await takeFirstChunk(undefined, entry, range), undefined)
  })
})
