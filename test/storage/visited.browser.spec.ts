import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { rawCid } from '../../src/core/content/index.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord } from '../../src/core/records/index.ts'
import { buildSite, bytesOf, freshStorages } from './helpers.ts'

const CHUNK = 262_144

const sum = (blocks: { bytes: Uint8Array }[]): number =>
  blocks.reduce((n, b) => n + b.bytes.length, 0)

describe('storage: visited sites', () => {
  const fresh = freshStorages()

  it('lists the sites whose blocks were kept as visited, not the hosted ones', async () => {
    const storage = fresh('visited-list')
    const hosted = await buildSite([{ path: '/index.html', content: bytesOf(500, 1) }])
    const visited = await buildSite([
      { path: '/index.html', content: bytesOf(700, 2) },
      { path: '/big.bin', content: bytesOf(CHUNK + 9, 3) },
    ])
    await storage.blocks.putSite('mine:code', hosted.root, hosted.blocks)
    assert.deepEqual(await storage.blocks.listVisitedSites(), [])
    // A visit keeps blocks in batches, under the visited site's (possibly non-canonical) name.
    await storage.blocks.putBlocks('Other:Code', visited.blocks.slice(0, 2))
    await storage.blocks.putBlocks('other:code', visited.blocks.slice(2))
    await storage.blocks.putBlocks('api.other:code', [visited.manifest])
    assert.deepEqual(await storage.blocks.listVisitedSites(), [
      { site: 'api.other:code', blocks: 1, bytes: visited.manifest.bytes.length },
      { site: 'other:code', blocks: visited.blocks.length, bytes: sum(visited.blocks) },
    ])
    // Visiting one's own hosted site keeps its blocks under the hosted name: still hosted.
    await storage.blocks.putBlocks('mine:code', hosted.blocks)
    assert.deepEqual(
      (await storage.blocks.listVisitedSites()).map((v) => v.site),
      ['api.other:code', 'other:code'],
    )
  })

  it('clears every visited site, freeing their bytes, and keeps what a hosted site shares', async () => {
    const storage = fresh('visited-clear')
    const shared = bytesOf(CHUNK, 4)
    const sharedCid = await rawCid(shared)
    const own = await buildSite([
      { path: '/shared.bin', content: shared },
      { path: '/own.txt', content: bytesOf(40, 5) },
    ])
    const visited = await buildSite([
      { path: '/shared.bin', content: shared },
      { path: '/page.html', content: bytesOf(900, 6) },
    ])
    const second = await buildSite([{ path: '/index.html', content: bytesOf(1200, 7) }])
    await storage.blocks.putSite('own:code', own.root, own.blocks)
    await storage.blocks.putBlocks('visited:code', visited.blocks)
    await storage.blocks.putBlocks('second:code', second.blocks)
    const before = await storage.blocks.blockUsage()
    assert.equal(before.blocks, 3 + 2 + 2, 'the shared chunk is held once')

    const cleared = await storage.blocks.clearVisitedSites()
    const onlyVisited = visited.blocks.filter((b) => !b.cid.equals(sharedCid))
    assert.deepEqual(cleared.sites.slice().sort(), ['second:code', 'visited:code'])
    assert.equal(cleared.blocks, onlyVisited.length + second.blocks.length)
    assert.equal(cleared.bytes, sum(onlyVisited) + sum(second.blocks))
    assert.deepEqual(await storage.blocks.blockUsage(), {
      blocks: before.blocks - cleared.blocks,
      bytes: before.bytes - cleared.bytes,
    })
    assert.deepEqual(await storage.blocks.listVisitedSites(), [])
    assert.deepEqual(await storage.blocks.siteBlocks('visited:code'), [])
    for (const block of [...onlyVisited, ...second.blocks])
      assert.equal(await storage.blocks.hasBlock(block.cid), false)
    // The hosted site is whole: its own blocks and the one it shared with the visited site.
    for (const block of own.blocks)
      assert.deepEqual(await storage.blocks.getBlock(block.cid), block.bytes)
    assert.equal(
      (await storage.blocks.getHostedSite('own:code'))?.root.toString(),
      own.root.toString(),
    )
    assert.deepEqual(await storage.blocks.clearVisitedSites(), { blocks: 0, bytes: 0, sites: [] })
  })

  it('clears only the visited sites named, keeping blocks the others still use', async () => {
    const storage = fresh('visited-some')
    const shared = bytesOf(3000, 8)
    const sharedCid = await rawCid(shared)
    const a = await buildSite([
      { path: '/a', content: shared },
      { path: '/x', content: bytesOf(10, 9) },
    ])
    const b = await buildSite([{ path: '/b', content: shared }])
    await storage.blocks.putBlocks('a:code', a.blocks)
    await storage.blocks.putBlocks('b:code', b.blocks)
    const cleared = await storage.blocks.clearVisitedSites(['A:code', 'own:code'])
    assert.deepEqual(cleared.sites, ['a:code'])
    assert.equal(cleared.bytes, a.manifest.bytes.length + 10)
    assert.equal(await storage.blocks.hasBlock(sharedCid), true)
    assert.deepEqual(
      (await storage.blocks.listVisitedSites()).map((v) => v.site),
      ['b:code'],
    )
  })

  it('lists the sites it holds records of, so their origins can be cleared too', async () => {
    const storage = fresh('records-list')
    assert.deepEqual(await storage.records.listCachedSites(), [])
    const alice = generateKeyPair()
    const root = await createRecord({ type: 'root', name: 'mysite:code', seq: 1 }, alice)
    const sub = await createRecord(
      { type: 'TXT', name: 'api.mysite:code', seq: 1, text: 'hi' },
      alice,
    )
    await storage.records.putCachedRecord('mysite:code', root.bytes)
    await storage.records.putCachedRecord('api.mysite:code', sub.bytes)
    assert.deepEqual(await storage.records.listCachedSites(), ['api.mysite:code', 'mysite:code'])
  })
})
