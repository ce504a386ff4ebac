import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { base64url } from 'multiformats/bases/base64'
import { fromUtf8, utf8 } from '../../src/core/bytes.ts'
import { validateRecord } from '../../src/core/records/index.ts'
import {
  KDF_ITERATIONS,
  KEY_FILE_TYPE,
  MAX_KEY_FILE_SITES,
  MAX_KEY_FILE_SIZE,
  MIN_KDF_ITERATIONS,
  openAlternetStorage,
} from '../../src/storage/index.ts'
import { freshStorage } from './helpers.ts'

const PASSPHRASE = 'correct horse battery staple'

type KeyFileJson = {
  type: string
  version: number
  publicKey: string
  kdf: { name: string; hash: string; iterations: number; salt: string }
  cipher: { name: string; iv: string }
  ciphertext: string
  checksum: string
}

function parse(file: Uint8Array): KeyFileJson {
  return JSON.parse(fromUtf8(file)) as KeyFileJson
}

function write(json: unknown): Uint8Array {
  return utf8(JSON.stringify(json))
}

/** `text` (base64url) with byte `index` of its decoding flipped. */
function flipByte(text: string, index: number): string {
  const bytes = base64url.baseDecode(text)
  bytes[index] ^= 0x01
  return base64url.baseEncode(bytes)
}

describe('storage: owner key file', () => {
  const source = freshStorage('export')
  const target = freshStorage('import')
  let file: Uint8Array
  let sourceKey: Uint8Array
  let targetKey: Uint8Array

  before(async () => {
    sourceKey = (await source.identity.getOrCreateOwnerKey()).publicKey
    targetKey = (await target.identity.getOrCreateOwnerKey()).publicKey
    file = await source.identity.exportOwnerKey(PASSPHRASE)
  })
  after(async () => {
    await source.cleanup()
    await target.cleanup()
  })

  /** Checks that importing `bad` fails with `name` and leaves the target's owner key as it was. */
  async function refused(
    bad: Uint8Array | Blob,
    name: string,
    passphrase = PASSPHRASE,
  ): Promise<unknown> {
    const error = await assert.rejects(target.identity.importOwnerKey(bad, passphrase), name)
    const after = await target.identity.getOrCreateOwnerKey()
    assert.deepEqual(after.publicKey, targetKey, 'a failed import changed the owner key')
    return error
  }

  it('writes a versioned JSON file with the KDF parameters and no plaintext seed', () => {
    const json = parse(file)
    assert.equal(json.type, KEY_FILE_TYPE)
    assert.equal(json.version, 1)
    assert.equal(json.kdf.name, 'PBKDF2')
    assert.equal(json.kdf.hash, 'SHA-256')
    assert.equal(json.kdf.iterations, KDF_ITERATIONS)
    assert.ok(KDF_ITERATIONS >= 600_000)
    assert.equal(base64url.baseDecode(json.kdf.salt).length, 16)
    assert.equal(json.cipher.name, 'AES-GCM')
    assert.equal(base64url.baseDecode(json.cipher.iv).length, 12)
    assert.equal(base64url.baseDecode(json.ciphertext).length, 48)
    assert.deepEqual(base64url.baseDecode(json.publicKey), sourceKey)
  })

  it('uses a fresh salt and IV for every export', async () => {
    const again = parse(await source.identity.exportOwnerKey(PASSPHRASE))
    assert.notEqual(again.kdf.salt, parse(file).kdf.salt)
    assert.notEqual(again.cipher.iv, parse(file).cipher.iv)
    assert.notEqual(again.ciphertext, parse(file).ciphertext)
  })

  it('shows the key a file holds before it is opened', async () => {
    const info = await target.identity.inspectKeyFile(file)
    const owner = await source.identity.getOrCreateOwnerKey()
    assert.deepEqual(info.publicKey, sourceKey)
    assert.equal(info.fingerprint, owner.fingerprint)
  })

  it('lists the names it is given as a hint, as many as fit, and reads back only site names', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `a-rather-long-site-name-number-${i}:topic`)
    const listed = await source.identity.exportOwnerKey(PASSPHRASE, {
      sites: ['alice:blog', ...many],
    })
    assert.ok(listed.length <= MAX_KEY_FILE_SIZE, `the file fits: ${listed.length} bytes`)
    const info = await target.identity.inspectKeyFile(listed)
    assert.equal(info.sites[0], 'alice:blog')
    assert.ok(
      info.sites.length > 1 && info.sites.length <= MAX_KEY_FILE_SITES,
      `${info.sites.length}`,
    )
    const json = { ...parse(listed), sites: ['Bob:Pets', 'not a name', 42, 'bob:pets'] }
    assert.deepEqual((await target.identity.inspectKeyFile(write(json))).sites, ['bob:pets'])
    assert.deepEqual((await target.identity.inspectKeyFile(file)).sites, [])
  })

  it('refuses a wrong passphrase and keeps the existing key', async () => {
    await refused(file, 'WrongPassphraseError', 'correct horse battery stapler')
    await refused(file, 'WrongPassphraseError', '')
  })

  it('refuses a truncated file', async () => {
    await refused(file.subarray(0, file.length - 40), 'DamagedKeyFileError')
    await refused(file.subarray(0, 10), 'DamagedKeyFileError')
    await refused(new Uint8Array(0), 'DamagedKeyFileError')
  })

  it('refuses a file with a flipped byte in the ciphertext', async () => {
    const json = parse(file)
    const error = await refused(
      write({ ...json, ciphertext: flipByte(json.ciphertext, 5) }),
      'DamagedKeyFileError',
    )
    assert.equal((error as { reason: string }).reason, 'checksum-mismatch')
    await refused(
      write({ ...json, ciphertext: flipByte(json.ciphertext, 47) }),
      'DamagedKeyFileError',
    )
  })

  it('refuses a file with a flipped byte in the salt, the IV or the public key', async () => {
    const json = parse(file)
    await refused(
      write({ ...json, kdf: { ...json.kdf, salt: flipByte(json.kdf.salt, 0) } }),
      'DamagedKeyFileError',
    )
    await refused(
      write({ ...json, cipher: { ...json.cipher, iv: flipByte(json.cipher.iv, 11) } }),
      'DamagedKeyFileError',
    )
    await refused(write({ ...json, publicKey: flipByte(json.publicKey, 3) }), 'DamagedKeyFileError')
    await refused(
      write({ ...json, kdf: { ...json.kdf, iterations: json.kdf.iterations + 1 } }),
      'DamagedKeyFileError',
    )
  })

  it('refuses a file whose checksum was forged to match a change, as a failed decryption', async () => {
    // Changing a byte and recomputing the checksum defeats the damage check, not AES-GCM.
    const json = parse(file)
    const salt = flipByte(json.kdf.salt, 2)
    const header = [
      json.type,
      json.version,
      json.publicKey,
      json.kdf.name,
      json.kdf.hash,
      json.kdf.iterations,
      salt,
      json.cipher.name,
      json.cipher.iv,
    ]
    const digest = new Uint8Array(
      await crypto.subtle.digest(
        'SHA-256',
        utf8(JSON.stringify([...header, json.ciphertext])) as BufferSource,
      ),
    )
    await refused(
      write({ ...json, kdf: { ...json.kdf, salt }, checksum: base64url.baseEncode(digest) }),
      'WrongPassphraseError',
    )
  })

  it('refuses a file that is not JSON, not a key file, or of another version', async () => {
    await refused(utf8('this is not json'), 'DamagedKeyFileError')
    await refused(new Uint8Array([0xff, 0xfe, 0x00, 0x01]), 'DamagedKeyFileError')
    await refused(write({ hello: 'world' }), 'DamagedKeyFileError')
    await refused(write([1, 2, 3]), 'DamagedKeyFileError')
    const version = await refused(write({ ...parse(file), version: 2 }), 'DamagedKeyFileError')
    assert.equal((version as { reason: string }).reason, 'unsupported-version')
    await refused(
      write({ ...parse(file), kdf: { ...parse(file).kdf, iterations: 1 } }),
      'DamagedKeyFileError',
    )
    await refused(
      write({ ...parse(file), cipher: { name: 'AES-CBC', iv: parse(file).cipher.iv } }),
      'DamagedKeyFileError',
    )
    await refused(new Uint8Array(100_000).fill(0x20), 'DamagedKeyFileError')
  })

  it('refuses to export under an empty or weak passphrase', async () => {
    for (const weak of ['', '            ', 'short', 'aaaaaaaaaaaaaaaa']) {
      await assert.rejects(source.identity.exportOwnerKey(weak), 'WeakPassphraseError')
    }
    await assert.rejects(
      source.identity.exportOwnerKey(PASSPHRASE, { iterations: MIN_KDF_ITERATIONS - 1 }),
    )
  })

  it('imports into another database and gives the same owner key, which can sign the same name', async () => {
    const blob = new Blob([file as BlobPart], { type: 'application/json' })
    const imported = await target.identity.importOwnerKey(blob, PASSPHRASE)
    assert.deepEqual(imported.publicKey, sourceKey)
    target.close()
    const reopened = openAlternetStorage({ name: target.name })
    const owner = await reopened.identity.getOrCreateOwnerKey()
    reopened.close()
    assert.deepEqual(owner.publicKey, sourceKey)
    const record = await owner.createRecord({ type: 'root', name: 'mysite:code', seq: 2 })
    assert.deepEqual((await validateRecord(record.bytes)).holder, sourceKey)
    targetKey = sourceKey
  })

  it('matches passphrases after Unicode normalisation', async () => {
    const storage = freshStorage('nfc')
    try {
      const exported = await source.identity.exportOwnerKey('caf\u00e9 au lait, merci')
      const imported = await storage.identity.importOwnerKey(exported, 'cafe\u0301 au lait, merci')
      assert.deepEqual(imported.publicKey, sourceKey)
    } finally {
      await storage.cleanup()
    }
  })
})

describe('storage: importing over an owner key that publishes sites', () => {
  it('refuses unless told to replace, then forgets the old sites', async () => {
    const other = freshStorage('other-owner')
    const device = freshStorage('publisher')
    try {
      const file = await other.identity.exportOwnerKey(PASSPHRASE)
      const mine = await device.identity.getOrCreateOwnerKey()
      const record = await mine.createRecord({ type: 'root', name: 'mysite:code', seq: 1 })
      await device.sites.putPublishedSite(record.bytes)

      const error = await assert.rejects(
        device.identity.importOwnerKey(file, PASSPHRASE),
        'OwnerKeyInUseError',
      )
      assert.deepEqual((error as { sites: string[] }).sites, ['mysite:code'])
      assert.deepEqual((await device.identity.getOrCreateOwnerKey()).publicKey, mine.publicKey)
      assert.equal((await device.sites.listPublishedSites()).length, 1)

      const replaced = await device.identity.importOwnerKey(file, PASSPHRASE, { replace: true })
      assert.deepEqual(replaced.publicKey, (await other.identity.getOrCreateOwnerKey()).publicKey)
      assert.equal((await device.sites.listPublishedSites()).length, 0)
      await assert.rejects(
        mine.createRecord({ type: 'root', name: 'mysite:code', seq: 2 }),
        'OwnerKeyReplacedError',
      )
    } finally {
      await other.cleanup()
      await device.cleanup()
    }
  })
})
