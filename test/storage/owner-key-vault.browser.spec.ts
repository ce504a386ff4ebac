import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair, verify } from '../../src/core/crypto/ed25519.ts'
import { STORES } from '../../src/storage/constants.ts'
import { decryptKeyFile } from '../../src/storage/key-file.ts'
import { freshStorages } from './helpers.ts'

const PASSPHRASE = 'correct horse battery staple'

/** The owner key record exactly as IndexedDB holds it: what any script on the origin can read. */
async function rawOwnerRecord(dbName: string): Promise<Record<string, unknown>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(dbName)
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  try {
    return await new Promise((resolve, reject) => {
      const get = db.transaction(STORES.identity).objectStore(STORES.identity).get('owner')
      get.onsuccess = () => resolve(get.result as Record<string, unknown>)
      get.onerror = () => reject(get.error)
    })
  } finally {
    db.close()
  }
}

/** Writes a record into the identity store directly, as an earlier version of the app did. */
async function putRawOwnerRecord(dbName: string, value: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(dbName)
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORES.identity, 'readwrite')
      tx.objectStore(STORES.identity).put(value, 'owner')
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
    })
  } finally {
    db.close()
  }
}

/** Whether `bytes` appears anywhere in the byte fields of `record`. */
function holdsBytes(record: Record<string, unknown>, bytes: Uint8Array): boolean {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  const needle = hex(bytes)
  return Object.values(record).some((v) => v instanceof Uint8Array && hex(v).includes(needle))
}

/** Checks that the stored keys cannot be read by script, only used. */
async function assertSealed(record: Record<string, unknown>, seed: Uint8Array): Promise<void> {
  assert.equal(record.seed, undefined, 'no raw seed is stored')
  assert.ok(!holdsBytes(record, seed), 'the seed bytes appear nowhere in the record')
  const signingKey = record.signingKey as CryptoKey
  const exportKey = record.exportKey as CryptoKey
  assert.ok(signingKey instanceof CryptoKey)
  assert.equal(signingKey.extractable, false)
  assert.deepEqual(signingKey.usages, ['sign'])
  assert.equal(exportKey.extractable, false)
  await assert.rejects(crypto.subtle.exportKey('pkcs8', signingKey), 'InvalidAccessError')
  await assert.rejects(crypto.subtle.exportKey('raw', exportKey), 'InvalidAccessError')
}

describe('storage: the owner key in non-extractable keys', () => {
  const fresh = freshStorages()

  it('stores no raw seed: signs with a non-extractable key, and exports through the passphrase file', async () => {
    const storage = fresh('vault')
    const owner = await storage.identity.getOrCreateOwnerKey()
    const signature = await owner.sign(utf8('hello'))
    assert.ok(await verify(owner.publicKey, utf8('hello'), signature))
    const file = await storage.identity.exportOwnerKey(PASSPHRASE)
    const { seed, publicKey } = await decryptKeyFile(file, PASSPHRASE)
    assert.deepEqual(publicKey, owner.publicKey)
    await assertSealed(await rawOwnerRecord(storage.name), seed)
  })

  it('seals a raw seed stored by an earlier version the first time the key is loaded', async () => {
    const storage = fresh('migrate')
    await storage.identity.getOrCreatePeerKey() // creates the database
    const legacy = generateKeyPair()
    await putRawOwnerRecord(storage.name, { ...legacy, createdAt: 1234 })
    const owner = await storage.identity.getOrCreateOwnerKey()
    assert.deepEqual(owner.publicKey, legacy.publicKey)
    assert.equal(owner.createdAt, 1234)
    await assertSealed(await rawOwnerRecord(storage.name), legacy.seed)
    const record = await owner.createRecord({ type: 'root', name: 'sealed:test', seq: 1 })
    assert.deepEqual(record.body.owner, legacy.publicKey)
    const file = await storage.identity.exportOwnerKey(PASSPHRASE)
    assert.deepEqual((await decryptKeyFile(file, PASSPHRASE)).seed, legacy.seed)
  })

  it('imports a key file into sealed keys', async () => {
    const source = fresh('vault-source')
    const target = fresh('vault-target')
    const file = await source.identity.exportOwnerKey(PASSPHRASE)
    const { seed } = await decryptKeyFile(file, PASSPHRASE)
    const imported = await target.identity.importOwnerKey(file, PASSPHRASE)
    assert.deepEqual(imported.publicKey, (await source.identity.getOrCreateOwnerKey()).publicKey)
    await assertSealed(await rawOwnerRecord(target.name), seed)
  })
})
