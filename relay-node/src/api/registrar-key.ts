/**
 * The registrar's Ed25519 key (`--registrar-key FILE`): a 32-byte seed in hex on one line,
 * created (mode 0600, never overwritten) when the file does not exist. It signs the
 * registrations and revocations the API issues; its public key goes into the
 * `trusted-registrars` (and `trusted-revokers`) files of the relays that should honour them.
 * @module
 */
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { fromHex, toHex } from '@alternet/core/bytes'
import {
  generateKeyPair,
  keyPairFromSeed,
  type Ed25519KeyPair,
} from '@alternet/core/crypto/ed25519'
import { ConfigError } from '../errors.ts'
import type { Logger } from '../log.ts'

/** File mode of the key: its owner only. */
const KEY_FILE_MODE = 0o600

/** Reads the registrar key from `path`, or creates it there. Throws `ConfigError` on a bad file. */
export async function loadOrCreateRegistrarKey(
  path: string,
  log?: Logger,
): Promise<Ed25519KeyPair> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOENT')
      throw new ConfigError(`--registrar-key: cannot read ${path}: ${code ?? String(err)}`)
    const key = generateKeyPair()
    try {
      await writeFile(path, toHex(key.seed) + '\n', { mode: KEY_FILE_MODE, flag: 'wx' })
    } catch (writeErr) {
      throw new ConfigError(
        `--registrar-key: cannot write ${path}: ${(writeErr as NodeJS.ErrnoException).code ?? String(writeErr)}`,
      )
    }
    log?.info('created a registrar key', { path, publicKey: toHex(key.publicKey) })
    return key
  }
  const hex = text.trim()
  if (!/^[0-9a-f]{64}$/i.test(hex))
    throw new ConfigError(
      `--registrar-key: ${path} does not hold a 32-byte Ed25519 seed in hex (64 characters)`,
    )
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, KEY_FILE_MODE)
  return keyPairFromSeed(fromHex(hex.toLowerCase()))
}
