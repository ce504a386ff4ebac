/**
 * The two keys of a Node peer, each in its own file of the data directory, written with mode
 * 0600 (owner read/write only) in a 0700 directory, atomically (temporary file, then rename):
 * - `peer-key`: the libp2p peer key (seed and public key, raw);
 * - `owner-key.json`: the owner key. With a key passphrase (`keyPassphrase`) it is the very
 *   passphrase-encrypted key file the app exports (`src/storage/key-file.ts`); without one, the
 *   seed in the clear (`{ type: 'alternet-owner-key-plain', ... }`), guarded by the file mode.
 *
 * Why the clear form is the default: a Node peer is often a server that republishes its records
 * every 24 h with nobody there to type a passphrase, so an encrypted key would need its
 * passphrase stored beside it, which protects nothing. The file mode keeps other users out; a
 * person on a shared or backed-up machine sets a key passphrase (`ALTERNET_KEY_PASSPHRASE`).
 * The same `IdentityStore` interface as the page's, so export and import behave alike.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { concat, equals } from '../../core/bytes.ts'
import { generateKeyPair, type Ed25519KeyPair } from '../../core/crypto/ed25519.ts'
import { DamagedKeyFileError } from '../../storage/errors.ts'
import type { IdentityStore, OwnerKey } from '../../storage/identity.ts'
import {
  keyFileBytes,
  keyFileInfo,
  ownerKeyHandle,
  sitesToForget,
} from '../../storage/identity-rules.ts'
import { decryptKeyFile, encryptKeyFile } from '../../storage/key-file.ts'
import type { PublishedSites } from '../../storage/published-sites.ts'

/** File of the peer key in the data directory. */
export const PEER_KEY_FILE = 'peer-key'
/** File of the owner key in the data directory. */
export const OWNER_KEY_FILE = 'owner-key.json'
/** `type` of an owner key kept in the clear. */
export const PLAIN_OWNER_KEY_TYPE = 'alternet-owner-key-plain'
/** Mode of key files: read and write for the owner only. */
export const KEY_FILE_MODE = 0o600
/** Mode of the data directory. */
export const DATA_DIR_MODE = 0o700

interface PlainOwnerKey {
  type: typeof PLAIN_OWNER_KEY_TYPE
  seed: string
  publicKey: string
  createdAt: number
}

interface OwnerState {
  keyPair: Ed25519KeyPair
  createdAt: number
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'))

async function writePrivate(path: string, bytes: Uint8Array | string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`
  await writeFile(temp, bytes, { mode: KEY_FILE_MODE })
  await chmod(temp, KEY_FILE_MODE)
  await rename(temp, path)
}

async function readOptional(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Options of `createFileIdentity`. */
export interface FileIdentityInit {
  /** The data directory. */
  dir: string
  /** The published sites (an import refuses to drop the sites the old key publishes). */
  sites: Pick<PublishedSites, 'listPublishedSites' | 'deletePublishedSite'>
  /** Encrypts the owner key at rest with this passphrase (the app's key file format). */
  keyPassphrase?: string
}

/** The identity area of a Node peer. */
export async function createFileIdentity(init: FileIdentityInit): Promise<IdentityStore> {
  await mkdir(init.dir, { recursive: true, mode: DATA_DIR_MODE })
  const peerPath = join(init.dir, PEER_KEY_FILE)
  const ownerPath = join(init.dir, OWNER_KEY_FILE)
  let owner: OwnerState | undefined

  const saveOwner = async (state: OwnerState): Promise<void> => {
    const text =
      init.keyPassphrase === undefined
        ? JSON.stringify({
            type: PLAIN_OWNER_KEY_TYPE,
            seed: b64(state.keyPair.seed),
            publicKey: b64(state.keyPair.publicKey),
            createdAt: state.createdAt,
          } satisfies PlainOwnerKey)
        : await encryptKeyFile(state.keyPair, init.keyPassphrase)
    await writePrivate(ownerPath, text)
  }

  const loadOwner = async (): Promise<OwnerState> => {
    if (owner !== undefined) return owner
    const bytes = await readOptional(ownerPath)
    if (bytes === undefined) {
      const fresh = { keyPair: generateKeyPair(), createdAt: Date.now() }
      await saveOwner(fresh)
      return (owner = fresh)
    }
    let parsed: Partial<PlainOwnerKey> = {}
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<PlainOwnerKey>
    } catch {
      throw new DamagedKeyFileError('malformed', `${ownerPath} is not an owner key.`)
    }
    if (parsed.type === PLAIN_OWNER_KEY_TYPE) {
      const seed = unb64(String(parsed.seed))
      const publicKey = unb64(String(parsed.publicKey))
      return (owner = { keyPair: { seed, publicKey }, createdAt: Number(parsed.createdAt) })
    }
    // The encrypted form: the app's key file.
    const keyPair = await decryptKeyFile(bytes, init.keyPassphrase ?? '')
    const stats = await stat(ownerPath)
    return (owner = { keyPair, createdAt: stats.birthtimeMs || stats.mtimeMs })
  }

  const handle = (state: OwnerState): Promise<OwnerKey> =>
    ownerKeyHandle(state.keyPair.publicKey, state.createdAt, async () => {
      const now = await loadOwner()
      return { publicKey: now.keyPair.publicKey, keyPair: now.keyPair }
    })

  return {
    async getOrCreatePeerKey(): Promise<PrivateKey> {
      let raw = await readOptional(peerPath)
      if (raw === undefined) {
        const { seed, publicKey } = generateKeyPair()
        raw = concat([seed, publicKey])
        await writePrivate(peerPath, raw)
      }
      const { privateKeyFromRaw } = await import('@libp2p/crypto/keys')
      return privateKeyFromRaw(raw)
    },
    getOrCreateOwnerKey: async () => handle(await loadOwner()),
    async exportOwnerKey(passphrase, options) {
      return encryptKeyFile((await loadOwner()).keyPair, passphrase, options)
    },
    async importOwnerKey(file, passphrase, options = {}) {
      const keyPair = await decryptKeyFile(await keyFileBytes(file), passphrase)
      const current = await readOptional(ownerPath).then((b) => (b ? loadOwner() : undefined))
      if (current !== undefined && equals(current.keyPair.publicKey, keyPair.publicKey))
        return handle(current)
      if (current !== undefined) {
        const all = await init.sites.listPublishedSites()
        for (const site of sitesToForget(all, current.keyPair.publicKey, options.replace))
          await init.sites.deletePublishedSite(site.site)
      }
      const state = { keyPair, createdAt: Date.now() }
      await saveOwner(state)
      owner = state
      return handle(state)
    },
    inspectKeyFile: keyFileInfo,
  }
}
