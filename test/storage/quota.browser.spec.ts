/**
 * A full quota, for real: Chromium's Storage Buckets API gives a bucket its own small quota, and
 * the store opened on the bucket's IndexedDB hits it like a full disk.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import {
  openAlternetStorage,
  StorageFullError,
  type AlternetStorage,
} from '../../src/storage/index.ts'
import { buildSite, bytesOf, type BuiltSite } from './helpers.ts'

const CHUNK = 262_144
const QUOTA = 1024 * 1024

interface StorageBucket {
  indexedDB: IDBFactory
  estimate(): Promise<StorageEstimate>
  persist(): Promise<boolean>
  persisted(): Promise<boolean>
}
interface StorageBucketManager {
  open(name: string, options: { quota: number }): Promise<StorageBucket>
  delete(name: string): Promise<void>
}
const buckets = (navigator as Navigator & { storageBuckets?: StorageBucketManager }).storageBuckets

describe('storage: a full quota', () => {
  const bucketName = `quota-${Math.random().toString(36).slice(2, 10)}`
  let storage: AlternetStorage
  let small: BuiltSite
  let large: BuiltSite
  let owner: Uint8Array

  before(async () => {
    assert.ok(buckets !== undefined, 'this Chromium has the Storage Buckets API')
    const bucket = await buckets.open(bucketName, { quota: QUOTA })
    storage = openAlternetStorage({
      name: 'alternet',
      indexedDB: bucket.indexedDB,
      storageManager: bucket,
    })
    owner = (await storage.identity.getOrCreateOwnerKey()).publicKey
    small = await buildSite([{ path: '/a.bin', content: bytesOf(CHUNK * 2, 1) }])
    large = await buildSite([{ path: '/b.bin', content: bytesOf(CHUNK * 3, 2) }])
  })
  after(async () => {
    storage.close()
    await buckets?.delete(bucketName)
  })

  it('reports the quota it runs under', async () => {
    assert.equal((await storage.usage()).quota, QUOTA)
  })

  it('stores what fits', async () => {
    await storage.blocks.putSite('small:code', small.root, small.blocks)
    assert.equal((await storage.blocks.blockUsage()).blocks, small.blocks.length)
  })

  it('gives StorageFullError with a message for people, and keeps nothing of the failed write', async () => {
    const before = await storage.blocks.blockUsage()
    const error = await assert.rejects(
      storage.blocks.putSite('large:code', large.root, large.blocks),
      'StorageFullError',
    )
    assert.ok(error instanceof StorageFullError)
    assert.match(error.message, /no more room/)
    assert.equal((error.cause as DOMException).name, 'QuotaExceededError')

    for (const block of large.blocks) assert.equal(await storage.blocks.hasBlock(block.cid), false)
    assert.equal(await storage.blocks.getHostedSite('large:code'), undefined)
    assert.deepEqual(await storage.blocks.siteBlocks('large:code'), [])
    assert.deepEqual(await storage.blocks.blockUsage(), before)
  })

  it('keeps everything written before, and still takes small writes', async () => {
    for (const block of small.blocks)
      assert.deepEqual(await storage.blocks.getBlock(block.cid), block.bytes)
    assert.deepEqual((await storage.identity.getOrCreateOwnerKey()).publicKey, owner)
    await storage.pins.pin('other:code', owner)
    assert.ok((await storage.pins.getPin('other:code')) !== undefined)
  })
})
