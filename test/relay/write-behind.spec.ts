/**
 * The write-behind store in front of LevelDB: writes are visible at once, reach the disk in one
 * batch per flush interval (or at once with an interval of 0), and are all on disk after `close`.
 */
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { WriteBehindDatastore } from '../../relay-node/src/write-behind.ts'
import { removeDir, tempDir } from './support/relay-process.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (value: Uint8Array): string => new TextDecoder().decode(value)

async function openLevel(path: string): Promise<LevelDatastore> {
  const level = new LevelDatastore(path)
  await level.open()
  return level
}

/** What LevelDB itself holds under `key`, or undefined. */
async function onDisk(level: LevelDatastore, key: Key): Promise<string | undefined> {
  try {
    return text(await level.get(key))
  } catch {
    return undefined
  }
}

describe('write-behind store', () => {
  let dir: string

  before(async () => {
    dir = await tempDir('an-write-behind-')
  })

  after(async () => {
    await removeDir(dir)
  })

  it('serves writes at once and writes them to LevelDB with the next flush', async () => {
    const level = await openLevel(`${dir}/batched`)
    const store = new WriteBehindDatastore(level, { flushInterval: 60_000 })
    const a = new Key('/dht/record/a')
    const b = new Key('/dht/record/b')
    await store.put(a, bytes('one'))
    await store.put(b, bytes('two'))
    await store.put(a, bytes('three'))
    assert.equal(text(await store.get(a)), 'three')
    assert.ok(await store.has(b))
    assert.equal(await onDisk(level, a), undefined, 'written before the flush')
    await store.delete(b)
    assert.equal(await store.has(b), false)
    await assert.rejects(store.get(b), 'NotFoundError')
    await store.flush()
    assert.equal(await onDisk(level, a), 'three')
    assert.equal(await onDisk(level, b), undefined)
    await store.close()
  })

  it('flushes on its interval without being asked', async () => {
    const level = await openLevel(`${dir}/interval`)
    const store = new WriteBehindDatastore(level, { flushInterval: 50 })
    const key = new Key('/peers/x')
    await store.put(key, bytes('peer'))
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(await onDisk(level, key), 'peer')
    await store.close()
  })

  it('lets a query see every write made before it', async () => {
    const level = await openLevel(`${dir}/query`)
    const store = new WriteBehindDatastore(level, { flushInterval: 60_000 })
    await store.put(new Key('/dht/record/q1'), bytes('1'))
    await store.put(new Key('/dht/record/q2'), bytes('2'))
    await store.put(new Key('/other/q3'), bytes('3'))
    await store.delete(new Key('/dht/record/q1'))
    const keys: string[] = []
    for await (const { key } of store.query({ prefix: '/dht/record/' })) keys.push(key.toString())
    assert.deepEqual(keys, ['/dht/record/q2'])
    await store.close()
  })

  it('writes everything pending when closed', async () => {
    const path = `${dir}/close`
    const store = new WriteBehindDatastore(await openLevel(path), { flushInterval: 60_000 })
    for (let i = 0; i < 100; i++) await store.put(new Key(`/dht/record/c${i}`), bytes(`v${i}`))
    await store.close()
    const level = await openLevel(path)
    for (let i = 0; i < 100; i++)
      assert.equal(await onDisk(level, new Key(`/dht/record/c${i}`)), `v${i}`)
    await level.close()
  })

  it('writes to LevelDB before resolving with an interval of 0', async () => {
    const level = await openLevel(`${dir}/through`)
    const store = new WriteBehindDatastore(level, { flushInterval: 0 })
    const key = new Key('/dht/record/t')
    await store.put(key, bytes('now'))
    assert.equal(await onDisk(level, key), 'now')
    await store.delete(key)
    assert.equal(await onDisk(level, key), undefined)
    await store.close()
  })

  it('does not keep a value a delete overtook while LevelDB was reading it', async () => {
    const level = await openLevel(`${dir}/race`)
    const key = new Key('/dht/record/r')
    await level.put(key, bytes('old'))
    const store = new WriteBehindDatastore(level, { flushInterval: 60_000 })
    const read = store.get(key)
    await store.delete(key)
    await store.flush()
    assert.equal(text(await read), 'old')
    assert.equal(await store.has(key), false)
    await assert.rejects(store.get(key), 'NotFoundError')
    await store.close()
  })

  it('starts a flush early when too much is pending', async () => {
    const level = await openLevel(`${dir}/pressure`)
    const store = new WriteBehindDatastore(level, { flushInterval: 60_000, maxPendingBytes: 1024 })
    for (let i = 0; i < 20; i++) await store.put(new Key(`/dht/record/p${i}`), new Uint8Array(100))
    assert.ok((await onDisk(level, new Key('/dht/record/p0'))) != null, 'nothing reached LevelDB')
    await store.close()
  })
})
