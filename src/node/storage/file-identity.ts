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
import { generateKeyPair, signWith, type Ed25519KeyPair } from '../../core/crypto/ed25519.ts'
import { createDelegation, createRecord, createRevocation } from '../../core/records/index.ts'
import {
  DamagedKeyFileError,
  OwnerKeyInUseError,
  OwnerKeyReplacedError,
} from '../../storage/errors.ts'
import { fingerprint } from '../../core/crypto/fingerprint.ts'
import type { IdentityStore, KeyFileInput, OwnerKey } from '../../storage/identity.ts'
import { decryptKeyFile, encryptKeyFile, readKeyFileHeader } from '../../storage/key-file.ts'
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

async function bytesOf(file: KeyFileInput): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file
  if (file instanceof ArrayBuffer) return new Uint8Array(file)
  return new Uint8Array(await file.arrayBuffer())
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

  const signer = async (publicKey: Uint8Array): Promise<Ed25519KeyPair> => {
    const current = await loadOwner()
    if (!equals(current.keyPair.publicKey, publicKey))
      throw new OwnerKeyReplacedError(
        'The owner key of this device was replaced; sign with the new key.',
      )
    return current.keyPair
  }

  const handle = async (state: OwnerState): Promise<OwnerKey> => {
    const publicKey = state.keyPair.publicKey.slice()
    return {
      publicKey,
      fingerprint: await fingerprint(publicKey),
      createdAt: state.createdAt,
      sign: async (message) => signWith(await signer(publicKey), message),
      createRecord: async (fields) => createRecord(fields, await signer(publicKey)),
      createDelegation: async (d) => createDelegation(d, await signer(publicKey)),
      createRevocation: async (r) => createRevocation(r, await signer(publicKey)),
    }
  }

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
      const keyPair = await decryptKeyFile(await bytesOf(file), passphrase)
      const current = await readOptional(ownerPath).then((b) => (b ? loadOwner() : undefined))
      if (current !== undefined && equals(current.keyPair.publicKey, keyPair.publicKey))
        return handle(current)
      if (current !== undefined) {
        const held = (await init.sites.listPublishedSites()).filter((s) =>
          equals(s.owner, current.keyPair.publicKey),
        )
        if (held.length > 0 && options.replace !== true) {
          throw new OwnerKeyInUseError(
            held.map((s) => s.site),
            `The owner key on this device still publishes ${held.map((s) => s.site).join(', ')}. Export it first, or confirm that these names will no longer be republished from here.`,
          )
        }
        for (const site of held) await init.sites.deletePublishedSite(site.site)
      }
      const state = { keyPair, createdAt: Date.now() }
      await saveOwner(state)
      owner = state
      return handle(state)
    },
    async inspectKeyFile(file) {
      const header = await readKeyFileHeader(await bytesOf(file))
      return {
        version: header.version,
        publicKey: header.publicKey,
        fingerprint: await fingerprint(header.publicKey),
      }
    },
  }
}
