/**
 * The two Ed25519 keys of this device: the peer key (libp2p transport identity, one per
 * device) and the owner key (signs names, can be moved to another device in an encrypted key
 * file). Both are created on first use and kept. Neither seed is ever returned: the peer key
 * goes only to the libp2p factory as a `PrivateKey`, the owner key only signs. The owner key is
 * kept in non-extractable WebCrypto keys where the browser has them (owner-key-vault.ts); a raw
 * seed stored by an earlier version is sealed the first time the key is loaded.
 * @module
 */
import { concat, equals } from '../core/bytes.ts'
import { generateKeyPair } from '../core/crypto/ed25519.ts'
import { STORES } from './constants.ts'
import { request, type Database } from './database.ts'
import { keyFileBytes, keyFileInfo, ownerKeyHandle, sitesToForget } from './identity-rules.ts'
import { decryptKeyFile, encryptKeyFile } from './key-file.ts'
import {
  needsSealing,
  openExportCopy,
  sealOwnerKey,
  signerOf,
  type StoredOwnerKey,
} from './owner-key-vault.ts'
import type { StoredSite } from './published-sites.ts'
import type { IdentityStore, OwnerKey } from './identity-types.ts'

export type {
  OwnerKey,
  KeyFileInfo,
  ImportOwnerKeyOptions,
  KeyFileInput,
  IdentityStore,
} from './identity-types.ts'

const PEER = 'peer'
const OWNER = 'owner'

/** Keys are written with strict durability: a crash right after creation must not lose them. */
const DURABLE: IDBTransactionOptions = { durability: 'strict' }

interface StoredKey {
  /** 32-byte Ed25519 seed. */
  seed: Uint8Array
  /** 32-byte Ed25519 public key. */
  publicKey: Uint8Array
  /** When the key was created (or imported here), ms since the epoch. */
  createdAt: number
}

function newKey(): StoredKey {
  const { seed, publicKey } = generateKeyPair()
  return { seed, publicKey, createdAt: Date.now() }
}

/** The identity area over `db`. */
export function createIdentityStore(db: Database): IdentityStore {
  /** The stored key under `id`, or `candidate` stored now when there is none (atomic across tabs). */
  const getOrPut = async <T>(id: string, candidate: () => T | Promise<T>): Promise<T> => {
    const found = await db.get<T>(STORES.identity, id)
    if (found !== undefined) return found
    // Made before the transaction: sealing a key is asynchronous work outside IndexedDB.
    const fresh = await candidate()
    return db.transact(
      [STORES.identity],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore(STORES.identity)
        const existing = (await request(store.get(id))) as T | undefined
        if (existing !== undefined) return existing
        store.put(fresh, id)
        return fresh
      },
      DURABLE,
    )
  }

  /** A new owner key, sealed before it is ever stored. */
  const newOwner = async (): Promise<StoredOwnerKey> => {
    const { seed, publicKey } = generateKeyPair()
    try {
      return await sealOwnerKey(seed, publicKey, Date.now())
    } finally {
      seed.fill(0)
    }
  }

  /** Puts `sealed` in place of the stored owner key if that is still `was` (another tab may have sealed it). */
  const replaceOwner = (was: StoredOwnerKey, sealed: StoredOwnerKey): Promise<StoredOwnerKey> =>
    db.transact(
      [STORES.identity],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore(STORES.identity)
        const current = (await request(store.get(OWNER))) as StoredOwnerKey | undefined
        if (current === undefined || !equals(current.publicKey, was.publicKey))
          return current ?? was
        if (current.seed === undefined) return current
        store.put(sealed, OWNER)
        return sealed
      },
      DURABLE,
    )

  const loadOwner = async (): Promise<StoredOwnerKey> => {
    let stored = await getOrPut<StoredOwnerKey>(OWNER, newOwner)
    // Stored by an earlier version as a raw seed: seal it now.
    if (await needsSealing(stored)) {
      const seed = stored.seed!
      stored = await replaceOwner(
        stored,
        await sealOwnerKey(seed, stored.publicKey, stored.createdAt),
      )
      seed.fill(0)
    }
    return stored
  }

  const ownerHandle = (stored: StoredOwnerKey): Promise<OwnerKey> =>
    ownerKeyHandle(stored.publicKey, stored.createdAt, async () => {
      const now = await loadOwner()
      return { publicKey: now.publicKey, keyPair: signerOf(now) }
    })

  return {
    async getOrCreatePeerKey() {
      const stored = await getOrPut(PEER, newKey)
      const { privateKeyFromRaw } = await import('@libp2p/crypto/keys')
      // libp2p's raw Ed25519 private key is the seed followed by the public key.
      return privateKeyFromRaw(concat([stored.seed, stored.publicKey]))
    },

    async getOrCreateOwnerKey() {
      return ownerHandle(await loadOwner())
    },

    async exportOwnerKey(passphrase, options) {
      const stored = await loadOwner()
      const seed = await openExportCopy(stored)
      try {
        return await encryptKeyFile({ seed, publicKey: stored.publicKey }, passphrase, options)
      } finally {
        seed.fill(0)
      }
    },

    async importOwnerKey(file, passphrase, options = {}) {
      // Everything slow and fallible happens before the transaction, which only swaps the key.
      const keyPair = await decryptKeyFile(await keyFileBytes(file), passphrase)
      const imported = await sealOwnerKey(keyPair.seed, keyPair.publicKey, Date.now())
      keyPair.seed.fill(0)
      const result = await db.transact(
        [STORES.identity, STORES.sites],
        'readwrite',
        async (tx) => {
          const identity = tx.objectStore(STORES.identity)
          const current = (await request(identity.get(OWNER))) as StoredOwnerKey | undefined
          if (current !== undefined && equals(current.publicKey, imported.publicKey)) return current
          if (current !== undefined) {
            const sites = tx.objectStore(STORES.sites)
            const all = (await request(sites.getAll())) as StoredSite[]
            for (const site of sitesToForget(all, current.publicKey, options.replace))
              sites.delete(site.site)
          }
          identity.put(imported, OWNER)
          return imported
        },
        DURABLE,
      )
      return ownerHandle(result)
    },

    inspectKeyFile: keyFileInfo,
  }
}
