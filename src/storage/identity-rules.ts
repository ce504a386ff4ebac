/**
 * The rules of the identity area, written once for its two backends (IndexedDB in the page,
 * key files in a Node peer's data directory): what an owner key offers (signing only while it
 * is still the device's key), when an import may replace the key (not while it still publishes
 * sites, unless the person says so), and what a key file says about itself.
 * @module
 */
import { equals } from '../core/bytes.ts'
import { signWith, type Ed25519SigningKeyPair } from '../core/crypto/ed25519.ts'
import { fingerprint } from '../core/crypto/fingerprint.ts'
import { createDelegation, createRecord, createRevocation } from '../core/records/index.ts'
import { OwnerKeyInUseError, OwnerKeyReplacedError } from './errors.ts'
import type { KeyFileInfo, KeyFileInput, OwnerKey } from './identity-types.ts'
import { readKeyFileHeader } from './key-file.ts'

/** The bytes of a key file, however the page got it. */
export async function keyFileBytes(file: KeyFileInput): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file
  if (file instanceof ArrayBuffer) return new Uint8Array(file)
  return new Uint8Array(await file.arrayBuffer())
}

/** What a key file says about itself, read without its passphrase. Throws `DamagedKeyFileError`. */
export async function keyFileInfo(file: KeyFileInput): Promise<KeyFileInfo> {
  const header = await readKeyFileHeader(await keyFileBytes(file))
  return {
    version: header.version,
    publicKey: header.publicKey,
    fingerprint: await fingerprint(header.publicKey),
    sites: header.sites,
  }
}

/** The device's owner key now: its public key, and how it signs. */
export interface CurrentOwner {
  publicKey: Uint8Array
  keyPair: Ed25519SigningKeyPair
}

/**
 * The owner key `publicKey` as the store hands it out: each signature first loads the device's
 * current key (`current`) and throws `OwnerKeyReplacedError` when it is no longer this one.
 */
export async function ownerKeyHandle(
  publicKey: Uint8Array,
  createdAt: number,
  current: () => Promise<CurrentOwner>,
): Promise<OwnerKey> {
  const key = publicKey.slice()
  const signer = async (): Promise<Ed25519SigningKeyPair> => {
    const now = await current()
    if (!equals(now.publicKey, key))
      throw new OwnerKeyReplacedError(
        'The owner key of this device was replaced; sign with the new key.',
      )
    return now.keyPair
  }
  return {
    publicKey: key,
    fingerprint: await fingerprint(key),
    createdAt,
    sign: async (message) => signWith(await signer(), message),
    createRecord: async (fields) => createRecord(fields, await signer()),
    createDelegation: async (init) => createDelegation(init, await signer()),
    createRevocation: async (init) => createRevocation(init, await signer()),
  }
}

/**
 * The sites among `sites` that the owner key `current` publishes, which an import of another key
 * forgets. Throws `OwnerKeyInUseError` when there are some and the import does not `replace`.
 */
export function sitesToForget<T extends { site: string; owner: Uint8Array }>(
  sites: readonly T[],
  current: Uint8Array,
  replace: boolean | undefined,
): T[] {
  const held = sites.filter((site) => equals(site.owner, current))
  if (held.length > 0 && replace !== true) {
    throw new OwnerKeyInUseError(
      held.map((site) => site.site),
      `The owner key on this device still publishes ${held.map((site) => site.site).join(', ')}. Export it first, or confirm that these names will no longer be republished from here.`,
    )
  }
  return held
}
