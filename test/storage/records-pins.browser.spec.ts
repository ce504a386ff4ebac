import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord } from '../../src/core/records/index.ts'
import { openAlternetStorage, PinMismatchError } from '../../src/storage/index.ts'
import { buildSite, freshStorages } from './helpers.ts'
import { utf8 } from '../../src/core/bytes.ts'

describe('storage: records cache, pins and published sites', () => {
  const fresh = freshStorages()

  it('keeps cached records and pins across a re-open', async () => {
    const storage = fresh('survive')
    const alice = generateKeyPair()
    const record = await createRecord({ type: 'root', name: 'mysite:code', seq: 3 }, alice)
    await storage.records.putCachedRecord('mysite:code', record.bytes, 1_000)
    await storage.pins.pin('mysite:code', alice.publicKey, 2_000)
    storage.close()

    const reopened = openAlternetStorage({ name: storage.name })
    const cached = await reopened.records.getCachedRecord('MySite:Code')
    const pin = await reopened.pins.getPin('api.mysite:code')
    reopened.close()
    assert.ok(cached !== undefined)
    assert.deepEqual(cached.bytes, record.bytes)
    assert.equal(cached.receivedAt, 1_000)
    assert.equal(cached.seq, 3)
    assert.deepEqual(cached.holder, alice.publicKey)
    assert.ok(pin !== undefined)
    assert.equal(pin.root, 'mysite:code')
    assert.deepEqual(pin.holder, alice.publicKey)
    assert.equal(pin.pinnedAt, 2_000)
  })

  it('does not let an older record of the same holder replace a newer cached one', async () => {
    const storage = fresh('rollback')
    const alice = generateKeyPair()
    const newer = await createRecord({ type: 'root', name: 'mysite:code', seq: 5 }, alice)
    const older = await createRecord({ type: 'root', name: 'mysite:code', seq: 4 }, alice)
    assert.equal(await storage.records.putCachedRecord('mysite:code', newer.bytes), true)
    assert.equal(await storage.records.putCachedRecord('mysite:code', older.bytes), false)
    assert.equal((await storage.records.getCachedRecord('mysite:code'))?.seq, 5)
  })

  it('refuses to cache a record under another site name', async () => {
    const storage = fresh('mismatch')
    const record = await createRecord(
      { type: 'root', name: 'mysite:code', seq: 1 },
      generateKeyPair(),
    )
    await assert.rejects(
      storage.records.putCachedRecord('othersite:code', record.bytes),
      'KeyMismatchError',
    )
    assert.equal(await storage.records.getCachedRecord('othersite:code'), undefined)
  })

  it('pins the first holder key and refuses another until the change is accepted', async () => {
    const storage = fresh('tofu')
    const alice = generateKeyPair()
    const mallory = generateKeyPair()
    await storage.pins.pin('mysite:code', alice.publicKey)
    await storage.pins.pin('api.mysite:code', alice.publicKey)
    const error = await assert.rejects(
      storage.pins.pin('mysite:code', mallory.publicKey),
      'PinMismatchError',
    )
    assert.ok(error instanceof PinMismatchError)
    assert.deepEqual(error.pinned, alice.publicKey)
    assert.deepEqual(error.offered, mallory.publicKey)
    assert.deepEqual((await storage.pins.getPin('mysite:code'))?.holder, alice.publicKey)

    const replaced = await storage.pins.replacePin('mysite:code', mallory.publicKey)
    assert.equal(replaced.replaced, true)
    assert.deepEqual((await storage.pins.getPin('mysite:code'))?.holder, mallory.publicKey)
    await storage.pins.pin('mysite:code', mallory.publicKey)
    assert.equal((await storage.pins.listPins()).length, 1)
  })

  it('drops cached records of the old holder, subdomains included, when a pin is replaced', async () => {
    const storage = fresh('replace')
    const alice = generateKeyPair()
    const bob = generateKeyPair()
    const root = await createRecord({ type: 'root', name: 'mysite:code', seq: 1 }, alice)
    const sub = await createRecord(
      { type: 'TXT', name: 'api.mysite:code', seq: 1, text: 'hi' },
      alice,
    )
    const bobs = await createRecord({ type: 'root', name: 'other:code', seq: 1 }, bob)
    await storage.records.putCachedRecord('mysite:code', root.bytes)
    await storage.records.putCachedRecord('api.mysite:code', sub.bytes)
    await storage.records.putCachedRecord('other:code', bobs.bytes)
    await storage.pins.pin('mysite:code', alice.publicKey)

    await storage.pins.replacePin('mysite:code', bob.publicKey)
    assert.equal(await storage.records.getCachedRecord('mysite:code'), undefined)
    assert.equal(await storage.records.getCachedRecord('api.mysite:code'), undefined)
    assert.ok((await storage.records.getCachedRecord('other:code')) !== undefined)
  })

  it('keeps the sites this device publishes, with their last record, root and hosted flag', async () => {
    const storage = fresh('sites')
    const owner = await storage.identity.getOrCreateOwnerKey()
    const site = await buildSite([{ path: '/index.html', content: utf8('<h1>hi</h1>') }])
    const record = await owner.createRecord({
      type: 'root',
      name: 'mysite:code',
      seq: 1,
      content: site.root,
    })
    const stored = await storage.sites.putPublishedSite(record.bytes, { publishedAt: 10 })
    assert.equal(stored.site, 'mysite:code')
    assert.equal(stored.name, 'mysite')
    assert.equal(stored.topic, 'code')
    assert.equal(stored.hosted, true)
    await storage.sites.markRepublished('mysite:code', 20)
    await storage.sites.setHosted('mysite:code', false)
    storage.close()

    const reopened = openAlternetStorage({ name: storage.name })
    const [again] = await reopened.sites.listPublishedSites()
    reopened.close()
    assert.equal(again.publishedAt, 20)
    assert.equal(again.hosted, false)
    assert.equal(again.seq, 1)
    assert.ok(again.root !== undefined && again.root.equals(site.root))
    assert.deepEqual(again.owner, owner.publicKey)
    assert.deepEqual(again.record, record.bytes)

    const next = await owner.createRecord({
      type: 'root',
      name: 'mysite:code',
      seq: 2,
      content: site.root,
    })
    assert.equal(
      (await storage.sites.putPublishedSite(next.bytes)).hosted,
      false,
      'a new record keeps the hosted flag',
    )
    await storage.sites.deletePublishedSite('mysite:code')
    assert.equal(await storage.sites.getPublishedSite('mysite:code'), undefined)
  })
})
