import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { rawCid } from '../../src/core/content/index.ts'
import { openAlternetStorage } from '../../src/storage/index.ts'
import { buildSite, bytesOf, freshStorages } from './helpers.ts'

const CHUNK = 262_144

describe('storage: blocks', () => {
  const fresh = freshStorages()

  it('stores a verified block and gives it back after a re-open', async () => {
    const storage = fresh('roundtrip')
    const bytes = bytesOf(1000, 1)
    const cid = await rawCid(bytes)
    assert.equal(await storage.blocks.hasBlock(cid), false)
    await storage.blocks.putBlocks('mysite:code', [{ cid, bytes }])
    storage.close()
    const reopened = openAlternetStorage({ name: storage.name })
    assert.equal(await reopened.blocks.hasBlock(cid), true)
    assert.deepEqual(await reopened.blocks.getBlock(cid), bytes)
    reopened.close()
  })

  it('refuses bytes that do not match their CID', async () => {
    const storage = fresh('mismatch')
    const bytes = bytesOf(1000, 2)
    const cid = await rawCid(bytes)
    const forged = bytes.slice()
    forged[999] ^= 1
    await assert.rejects(
      storage.blocks.putBlocks('mysite:code', [{ cid, bytes: forged }]),
      'BlockVerificationError',
    )
    assert.equal(await storage.blocks.hasBlock(cid), false)
    assert.equal((await storage.blocks.blockUsage()).blocks, 0)
  })

  it('stores none of a batch when one block is invalid', async () => {
    const storage = fresh('atomic')
    const good = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const bytes = bytesOf(5000, 10 + i)
        return { cid: await rawCid(bytes), bytes }
      }),
    )
    const bad = { cid: good[3].cid, bytes: bytesOf(5000, 99) }
    await assert.rejects(
      storage.blocks.putBlocks('mysite:code', [...good.slice(0, 3), bad]),
      'BlockVerificationError',
    )
    for (const block of good) assert.equal(await storage.blocks.hasBlock(block.cid), false)
    assert.deepEqual(await storage.blocks.siteBlocks('mysite:code'), [])
    assert.deepEqual(await storage.blocks.blockUsage(), { blocks: 0, bytes: 0 })
  })

  it('does not hash again blocks its caller verified, and reads many in one call', async () => {
    const storage = fresh('verified')
    const blocks = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const bytes = bytesOf(3000, 40 + i)
        return { cid: await rawCid(bytes), bytes }
      }),
    )
    // Bytes that do not match their CID get in only because the caller vouched for them: proof
    // that the store did not hash them (without `verified` they are refused, as above).
    const vouched = { cid: blocks[2].cid, bytes: bytesOf(3000, 99) }
    await storage.blocks.putBlocks('mysite:code', [blocks[0], blocks[1], vouched], {
      verified: true,
    })
    const missing = await rawCid(bytesOf(10, 5))
    assert.deepEqual(await storage.blocks.getBlocks([blocks[1].cid, missing, blocks[0].cid]), [
      blocks[1].bytes,
      undefined,
      blocks[0].bytes,
    ])
    assert.deepEqual(await storage.blocks.getBlocks([blocks[2].cid]), [vouched.bytes])
    // The same reads with a promise per block.
    assert.deepEqual(
      await Promise.all(storage.blocks.readBlocks([blocks[1].cid, missing, blocks[0].cid])),
      [blocks[1].bytes, undefined, blocks[0].bytes],
    )
    assert.deepEqual(storage.blocks.readBlocks([]), [])
    assert.equal(await storage.blocks.hasBlocks(blocks.map((b) => b.cid)), true)
    assert.equal(await storage.blocks.hasBlocks([blocks[0].cid, missing]), false)
    assert.equal(await storage.blocks.hasBlocks([]), true)
  })

  it('stores a site manifest together with all its blocks, or nothing', async () => {
    const storage = fresh('site')
    const site = await buildSite([
      { path: '/index.html', content: bytesOf(100, 1) },
      { path: '/big.bin', content: bytesOf(CHUNK * 2 + 7, 2) },
    ])
    const missingOne = site.blocks.filter((block) => !block.cid.equals(site.chunks[1].cid))
    await assert.rejects(
      storage.blocks.putSite('mysite:code', site.root, missingOne),
      'IncompleteSiteError',
    )
    assert.equal(await storage.blocks.hasBlock(site.root), false)
    assert.equal(await storage.blocks.getHostedSite('mysite:code'), undefined)

    const corrupt = site.blocks.map((block, i) =>
      i === 2 ? { cid: block.cid, bytes: bytesOf(block.bytes.length, 77) } : block,
    )
    await assert.rejects(
      storage.blocks.putSite('mysite:code', site.root, corrupt),
      'BlockVerificationError',
    )
    assert.equal(await storage.blocks.hasBlock(site.root), false)

    const hosted = await storage.blocks.putSite('mysite:code', site.root, site.blocks)
    assert.ok(hosted.root.equals(site.root))
    assert.equal(hosted.blocks, site.blocks.length)
    for (const block of site.blocks)
      assert.deepEqual(await storage.blocks.getBlock(block.cid), block.bytes)
    assert.equal((await storage.blocks.siteBlocks('mysite:code')).length, site.blocks.length)
    assert.equal((await storage.blocks.listHostedSites()).length, 1)
  })

  it('refuses a root that is not a manifest', async () => {
    const storage = fresh('not-manifest')
    const bytes = bytesOf(100, 5)
    const cid = await rawCid(bytes)
    await assert.rejects(
      storage.blocks.putSite('mysite:code', cid, [{ cid, bytes }]),
      'MalformedManifestError',
    )
    assert.equal(await storage.blocks.hasBlock(cid), false)
  })

  it('keeps the blocks another site shares when one site is deleted', async () => {
    const storage = fresh('shared')
    const shared = bytesOf(CHUNK, 3)
    const a = await buildSite([
      { path: '/shared.bin', content: shared },
      { path: '/a.txt', content: bytesOf(10, 4) },
    ])
    const b = await buildSite([
      { path: '/shared.bin', content: shared },
      { path: '/b.txt', content: bytesOf(20, 5) },
    ])
    const sharedCid = await rawCid(shared)
    await storage.blocks.putSite('a:code', a.root, a.blocks)
    await storage.blocks.putSite('b:code', b.root, b.blocks)
    const both = await storage.blocks.blockUsage()
    assert.equal(both.blocks, 5, 'two manifests, two own chunks, one shared chunk')

    const freed = await storage.blocks.deleteSite('a:code')
    assert.equal(freed.blocks, 2)
    assert.equal(freed.bytes, a.manifest.bytes.length + 10)
    assert.equal(await storage.blocks.hasBlock(sharedCid), true)
    assert.equal(await storage.blocks.hasBlock(a.root), false)
    assert.equal(await storage.blocks.hasBlock(a.chunks[1].cid), false)
    assert.equal(await storage.blocks.getHostedSite('a:code'), undefined)
    for (const block of b.blocks)
      assert.deepEqual(await storage.blocks.getBlock(block.cid), block.bytes)

    await storage.blocks.deleteSite('b:code')
    assert.equal(await storage.blocks.hasBlock(sharedCid), false)
    assert.deepEqual(await storage.blocks.blockUsage(), { blocks: 0, bytes: 0 })
  })

  it('deletes the blocks only the previous version used when a site is updated', async () => {
    const storage = fresh('update')
    const kept = bytesOf(1000, 6)
    const v1 = await buildSite([
      { path: '/index.html', content: kept },
      { path: '/old.txt', content: bytesOf(300, 7) },
    ])
    const v2 = await buildSite([
      { path: '/index.html', content: kept },
      { path: '/new.txt', content: bytesOf(400, 8) },
    ])
    await storage.blocks.putSite('mysite:code', v1.root, v1.blocks)
    // v2's unchanged chunk is already stored: only new blocks need to be given.
    const newOnly = v2.blocks.filter((block) => !block.cid.equals(v1.chunks[0].cid))
    await storage.blocks.putSite('mysite:code', v2.root, newOnly)
    assert.equal(await storage.blocks.hasBlock(v1.root), false)
    assert.equal(await storage.blocks.hasBlock(v1.chunks[1].cid), false)
    assert.equal(await storage.blocks.hasBlock(v1.chunks[0].cid), true)
    assert.equal(
      (await storage.blocks.getHostedSite('mysite:code'))?.root.toString(),
      v2.root.toString(),
    )
    assert.deepEqual(await storage.blocks.blockUsage(), {
      blocks: 3,
      bytes: v2.manifest.bytes.length + 1000 + 400,
    })
  })

  it('reports sane storage numbers, and clears', async () => {
    const storage = fresh('usage')
    const empty = await storage.usage()
    assert.deepEqual(empty.blocks, { blocks: 0, bytes: 0 })
    const site = await buildSite([{ path: '/data.bin', content: bytesOf(CHUNK * 3, 9) }])
    await storage.blocks.putSite('mysite:code', site.root, site.blocks)
    const used = await storage.usage()
    const total = site.blocks.reduce((sum, block) => sum + block.bytes.length, 0)
    assert.deepEqual(used.blocks, { blocks: 4, bytes: total })
    assert.ok(typeof used.quota === 'number' && used.quota > 0, 'the browser reports a quota')
    assert.ok(
      typeof used.usage === 'number' && used.usage >= 0 && used.usage <= used.quota,
      'usage within quota',
    )
    assert.ok(used.usage >= empty.usage!, 'usage does not shrink when blocks are added')
    assert.equal(typeof used.persisted, 'boolean')

    await storage.blocks.clearBlocks()
    assert.deepEqual((await storage.usage()).blocks, { blocks: 0, bytes: 0 })
    assert.equal(await storage.blocks.hasBlock(site.root), false)
    assert.deepEqual(await storage.blocks.listHostedSites(), [])
  })
})
