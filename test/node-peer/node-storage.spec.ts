/**
 * The Node store of a data directory (`openNodeStorage`): the page's storage rules over LevelDB
 * and block files, kept across a reopen; keys in 0600 files, the owner key encrypted at rest
 * with a key passphrase; one process per data directory.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok, rejects } from '../support/assert.ts'
import { createRecord } from '../../src/core/records/index.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { openNodeStorage, OWNER_KEY_FILE, PEER_KEY_FILE } from '../../src/node/storage/index.ts'
import { buildSite, bytesOf } from '../storage/helpers.ts'
import { removeDir, tempDir } from '../relay/support/relay-process.ts'

const PASSPHRASE = 'correct horse battery staple'

describe('the Node store of a data directory', () => {
  const dirs: string[] = []
  const fresh = async (): Promise<string> => {
    const dir = await tempDir('an-node-store-')
    dirs.push(dir)
    return join(dir, 'data')
  }
  after(async () => {
    await Promise.all(dirs.map(removeDir))
  })

  it('keeps keys, records, pins, published sites and hosted blocks across a reopen', async () => {
    const dir = await fresh()
    const site = await buildSite([
      { path: '/index.html', content: bytesOf(1000, 1) },
      { path: '/big.bin', content: bytesOf(600_000, 2) },
    ])
    let storage = await openNodeStorage({ dir })
    const peerKey = (await storage.identity.getOrCreatePeerKey()).publicKey.toString()
    const owner = await storage.identity.getOrCreateOwnerKey()
    const record = await owner.createRecord({
      type: 'root',
      name: 'kept:test',
      seq: 3,
      content: site.root,
    })
    ok(await storage.records.putCachedRecord('kept:test', record.bytes))
    await storage.pins.pin('kept:test', owner.publicKey)
    await storage.sites.putPublishedSite(record.bytes)
    await storage.blocks.putSite('kept:test', site.root, site.blocks)
    await storage.closed()

    storage = await openNodeStorage({ dir })
    try {
      equal((await storage.identity.getOrCreatePeerKey()).publicKey.toString(), peerKey)
      equal((await storage.identity.getOrCreateOwnerKey()).fingerprint, owner.fingerprint)
      equal((await storage.records.getCachedRecord('kept:test'))?.seq, 3)
      deepEqual((await storage.pins.getPin('kept:test'))?.holder, owner.publicKey)
      equal(
        (await storage.sites.getPublishedSite('kept:test'))?.root?.toString(),
        site.root.toString(),
      )
      const hosted = await storage.blocks.getHostedSite('kept:test')
      equal(hosted?.blocks, site.blocks.length)
      for (const block of site.blocks)
        deepEqual(await storage.blocks.getBlock(block.cid), block.bytes)
      deepEqual(await storage.blocks.blockUsage(), {
        blocks: site.blocks.length,
        bytes: site.blocks.reduce((n, b) => n + b.bytes.length, 0),
      })
    } finally {
      await storage.closed()
    }
  })

  it('keeps its rules: no record rollback, a pinned key holds, blocks are verified, shared blocks stay', async () => {
    const storage = await openNodeStorage({ dir: await fresh() })
    try {
      const holder = generateKeyPair()
      const newer = await createRecord({ type: 'root', name: 'rules:test', seq: 5 }, holder)
      const older = await createRecord({ type: 'root', name: 'rules:test', seq: 4 }, holder)
      ok(await storage.records.putCachedRecord('rules:test', newer.bytes))
      equal(await storage.records.putCachedRecord('rules:test', older.bytes), false)
      equal((await storage.records.getCachedRecord('rules:test'))?.seq, 5)

      await storage.pins.pin('rules:test', holder.publicKey)
      await rejects(storage.pins.pin('rules:test', generateKeyPair().publicKey), 'PinMismatchError')

      const a = await buildSite([{ path: '/a', content: bytesOf(5000, 7) }])
      const forged = a.chunks[0].bytes.slice()
      forged[0] ^= 1
      await rejects(
        storage.blocks.putSite('a:test', a.root, [
          a.manifest,
          { cid: a.chunks[0].cid, bytes: forged },
        ]),
        'BlockVerificationError',
      )
      equal(await storage.blocks.hasBlock(a.chunks[0].cid), false)
      await rejects(storage.blocks.putSite('a:test', a.root, [a.manifest]), 'IncompleteSiteError')
      equal(await storage.blocks.getHostedSite('a:test'), undefined)

      // Two sites share a chunk: deleting one keeps it for the other.
      const b = await buildSite([{ path: '/same', content: bytesOf(5000, 7) }])
      await storage.blocks.putSite('a:test', a.root, a.blocks)
      await storage.blocks.putSite('b:test', b.root, b.blocks)
      await storage.blocks.deleteSite('a:test')
      ok(await storage.blocks.hasBlock(a.chunks[0].cid))
      equal(await storage.blocks.hasBlock(a.root), false)
      await storage.blocks.deleteSite('b:test')
      equal(await storage.blocks.hasBlock(a.chunks[0].cid), false)
      deepEqual(await storage.blocks.blockUsage(), { blocks: 0, bytes: 0 })
    } finally {
      await storage.closed()
    }
  })

  it('writes the keys with mode 0600 in a 0700 directory', async () => {
    const dir = await fresh()
    const storage = await openNodeStorage({ dir })
    await storage.identity.getOrCreatePeerKey()
    await storage.identity.getOrCreateOwnerKey()
    await storage.closed()
    equal((await stat(dir)).mode & 0o777, 0o700)
    equal((await stat(join(dir, PEER_KEY_FILE))).mode & 0o777, 0o600)
    equal((await stat(join(dir, OWNER_KEY_FILE))).mode & 0o777, 0o600)
    ok(!(await readdir(dir)).some((f) => f.endsWith('.tmp')))
  })

  it('with a key passphrase keeps the owner key as the app’s encrypted key file', async () => {
    const dir = await fresh()
    let storage = await openNodeStorage({ dir, keyPassphrase: PASSPHRASE })
    const owner = await storage.identity.getOrCreateOwnerKey()
    const exported = await storage.identity.exportOwnerKey(PASSPHRASE)
    await storage.closed()
    const atRest = JSON.parse(await readFile(join(dir, OWNER_KEY_FILE), 'utf8')) as Record<
      string,
      unknown
    >
    equal(atRest.type, 'alternet-owner-key')
    equal(atRest.seed, undefined)

    storage = await openNodeStorage({ dir })
    await rejects(storage.identity.getOrCreateOwnerKey(), 'WrongPassphraseError')
    await storage.closed()
    storage = await openNodeStorage({ dir, keyPassphrase: PASSPHRASE })
    equal((await storage.identity.getOrCreateOwnerKey()).fingerprint, owner.fingerprint)
    await storage.closed()

    // The key file it exports imports into another data directory without a key passphrase.
    const other = await openNodeStorage({ dir: await fresh() })
    try {
      const file = join(dir, '..', 'exported.json')
      await writeFile(file, exported)
      const imported = await other.identity.importOwnerKey(await readFile(file), PASSPHRASE)
      equal(imported.fingerprint, owner.fingerprint)
    } finally {
      await other.closed()
    }
  })

  it('refuses a second process on the same data directory', async () => {
    const dir = await fresh()
    const storage = await openNodeStorage({ dir })
    try {
      await rejects(openNodeStorage({ dir }), 'DataDirInUseError')
    } finally {
      await storage.closed()
    }
  })
})
