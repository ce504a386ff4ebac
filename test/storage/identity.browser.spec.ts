import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { verify } from '../../src/core/crypto/ed25519.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { validateRecord } from '../../src/core/records/index.ts'
import {
  fingerprint,
  openAlternetStorage,
  StorageUnavailableError,
} from '../../src/storage/index.ts'
import { freshStorages } from './helpers.ts'

describe('storage: identity', () => {
  const fresh = freshStorages()

  it('creates the peer key once and gives the same key after re-opening the database', async () => {
    const storage = fresh('peer')
    const first = await storage.identity.getOrCreatePeerKey()
    const again = await storage.identity.getOrCreatePeerKey()
    storage.close()
    const reopened = openAlternetStorage({ name: storage.name })
    const afterReload = await reopened.identity.getOrCreatePeerKey()
    reopened.close()
    assert.equal(first.type, 'Ed25519')
    assert.ok(first.equals(again))
    assert.ok(first.equals(afterReload), 'the peer key changed across a reload')
    assert.deepEqual(afterReload.publicKey.raw, first.publicKey.raw)
  })

  it('gives a libp2p peer key that signs', async () => {
    const storage = fresh('peer-sign')
    const key = await storage.identity.getOrCreatePeerKey()
    const message = utf8('hello')
    const signature = await key.sign(message)
    assert.ok(await key.publicKey.verify(message, signature))
    assert.ok(await verify(key.publicKey.raw, message, signature))
  })

  it('creates the owner key once and gives the same key after re-opening the database', async () => {
    const storage = fresh('owner')
    const first = await storage.identity.getOrCreateOwnerKey()
    storage.close()
    const reopened = openAlternetStorage({ name: storage.name })
    const afterReload = await reopened.identity.getOrCreateOwnerKey()
    reopened.close()
    assert.equal(first.publicKey.length, 32)
    assert.deepEqual(afterReload.publicKey, first.publicKey)
    assert.equal(afterReload.fingerprint, first.fingerprint)
    assert.equal(afterReload.createdAt, first.createdAt)
  })

  it('keeps the peer key and the owner key distinct', async () => {
    const storage = fresh('distinct')
    const peer = await storage.identity.getOrCreatePeerKey()
    const owner = await storage.identity.getOrCreateOwnerKey()
    assert.ok(!assert.isDeepEqual(peer.publicKey.raw, owner.publicKey))
  })

  it('creates one owner key when two tabs start at the same time', async () => {
    const a = fresh('race')
    const b = openAlternetStorage({ name: a.name })
    const [ka, kb] = await Promise.all([
      a.identity.getOrCreateOwnerKey(),
      b.identity.getOrCreateOwnerKey(),
    ])
    const [pa, pb] = await Promise.all([
      a.identity.getOrCreatePeerKey(),
      b.identity.getOrCreatePeerKey(),
    ])
    b.close()
    assert.deepEqual(ka.publicKey, kb.publicKey)
    assert.ok(pa.equals(pb))
  })

  it('signs records with the owner key without handing out its seed', async () => {
    const storage = fresh('sign')
    const owner = await storage.identity.getOrCreateOwnerKey()
    const record = await owner.createRecord({ type: 'root', name: 'mysite:code', seq: 1 })
    const valid = await validateRecord(record.bytes)
    assert.deepEqual(valid.holder, owner.publicKey)
    const signature = await owner.sign(utf8('message'))
    assert.ok(await verify(owner.publicKey, utf8('message'), signature))
    const exposed = Object.values(owner).filter((value) => value instanceof Uint8Array)
    assert.equal(exposed.length, 1, 'only the public key is a byte field of the handle')
  })

  it('gives grouped base32 fingerprints that differ between keys', async () => {
    const a = await fingerprint(new Uint8Array(32).fill(1))
    const b = await fingerprint(new Uint8Array(32).fill(2))
    assert.match(a, /^[a-z2-7]{4}(-[a-z2-7]{4}){4}$/)
    assert.notEqual(a, b)
    assert.equal(await fingerprint(new Uint8Array(32).fill(1)), a)
  })

  it('rejects with StorageUnavailableError when the browser gives no IndexedDB', async () => {
    // Private modes and disabled storage make indexedDB.open throw a SecurityError.
    const broken = {
      open() {
        throw new DOMException(
          'The user denied permission to access the database.',
          'SecurityError',
        )
      },
    } as unknown as IDBFactory
    const privateMode = openAlternetStorage({ name: 'never-opened', indexedDB: broken })
    const error = await assert.rejects(
      privateMode.identity.getOrCreateOwnerKey(),
      'StorageUnavailableError',
    )
    assert.ok(error instanceof StorageUnavailableError)
  })
})
