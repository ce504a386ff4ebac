/**
 * The sites area keeps, in real IndexedDB, the highest `seq` pre-signed for a site's mirrors and
 * where the site lives without this device: a later record stored for the site keeps both (the
 * next record signed must climb above every pre-signed one), a lower pre-signed `seq` never
 * lowers it, and both survive a re-open.
 */
import { describe, it, afterEach } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord } from '../../src/core/records/index.ts'
import { openAlternetStorage } from '../../src/storage/index.ts'
import { freshStorage } from './helpers.ts'

describe('storage: pre-signed records and where a site lives', () => {
  const opened: Array<{ cleanup(): Promise<void> }> = []
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.cleanup()
  })

  it('keeps the highest pre-signed seq across new records, lower ones and a re-open', async () => {
    const storage = freshStorage('keep-alive')
    opened.push(storage)
    const owner = generateKeyPair()
    const first = await createRecord({ type: 'root', name: 'mysite:code', seq: 1 }, owner)
    await storage.sites.putPublishedSite(first.bytes)
    const keepAlive = {
      horizon: 7,
      aliveUntil: 1_000,
      mirrors: ['relay.example:443'],
      checkedAt: 5,
    }
    await storage.sites.setKeepAlive!('mysite:code', { presignedSeq: 29, keepAlive })
    await storage.sites.setKeepAlive!('mysite:code', { presignedSeq: 12 })
    const second = await createRecord({ type: 'root', name: 'mysite:code', seq: 30 }, owner)
    await storage.sites.putPublishedSite(second.bytes)
    storage.close()

    const reopened = openAlternetStorage({ name: storage.name })
    const site = await reopened.sites.getPublishedSite('mysite:code')
    reopened.close()
    assert.equal(site?.seq, 30)
    assert.equal(site?.presignedSeq, 29, 'a lower pre-signed seq or a new record never lowers it')
    assert.deepEqual(site?.keepAlive, keepAlive)
  })
})
