/**
 * The relay's libp2p identity: an Ed25519 key created once in the data dir (mode 0600), so the
 * peer ID — which browsers and other relays have in their bootstrap lists — survives restarts.
 * @module
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { PEER_KEY_FILE } from './constants.ts'
import { ConfigError } from './errors.ts'
import type { Logger } from './log.ts'

/** File mode of the key: readable and writable by the relay's user only. */
const KEY_FILE_MODE = 0o600
/** Mode of a data dir the relay creates. */
const DATA_DIR_MODE = 0o700

/** Creates the data dir when missing; throws `ConfigError` when it cannot be written. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: DATA_DIR_MODE })
    const info = await stat(dataDir)
    if (!info.isDirectory()) throw new ConfigError(`--data-dir: ${dataDir} is not a directory`)
  } catch (err) {
    if (err instanceof ConfigError) throw err
    throw new ConfigError(
      `--data-dir: cannot create ${dataDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    )
  }
}

/**
 * The relay's private key: read from `<dataDir>/peer-key`, or created there on first start.
 * Throws `ConfigError` when the file exists but cannot be read or is not a key.
 */
export async function loadOrCreatePeerKey(dataDir: string, log?: Logger): Promise<PrivateKey> {
  const path = join(dataDir, PEER_KEY_FILE)
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOENT')
      throw new ConfigError(`cannot read the peer key ${path}: ${code ?? String(err)}`)
    const key = await generateKeyPair('Ed25519')
    try {
      // 'wx' never overwrites: two relays racing on one data dir cannot swap identities.
      await writeFile(path, privateKeyToProtobuf(key), { mode: KEY_FILE_MODE, flag: 'wx' })
    } catch (writeErr) {
      throw new ConfigError(
        `cannot write the peer key ${path}: ${(writeErr as NodeJS.ErrnoException).code ?? String(writeErr)}`,
      )
    }
    log?.info('created a new peer identity', { path })
    return key
  }
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch {
    throw new ConfigError(`the peer key ${path} is not a libp2p private key`)
  }
  const info = await stat(path)
  if ((info.mode & 0o077) !== 0) {
    log?.warn('the peer key was readable by others; restricting it to its owner', {
      path,
      mode: (info.mode & 0o777).toString(8),
    })
    await chmod(path, KEY_FILE_MODE)
  }
  return key
}
