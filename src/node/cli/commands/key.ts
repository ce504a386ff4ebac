/**
 * `alternet key export FILE` / `alternet key import FILE`: the owner key in the same
 * passphrase-encrypted key file the app exports and imports (`src/storage/key-file.ts`), both
 * ways. The passphrase comes from `ALTERNET_PASSPHRASE` or is asked on the terminal.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { openNodeStorage } from '../../storage/index.ts'
import { KEY_PASSPHRASE_ENV, readPassphrase } from '../passphrase.ts'
import { printResult } from '../output.ts'
import { withDataDir } from '../peer-options.ts'

interface KeyOptions {
  dataDir: string
  json?: boolean
  replace?: boolean
}

const storageOf = (options: KeyOptions) => {
  const keyPassphrase = process.env[KEY_PASSPHRASE_ENV]
  return openNodeStorage({ dir: options.dataDir, ...(keyPassphrase ? { keyPassphrase } : {}) })
}

/** Registers `key export`, `key import` and `key show` on `program`. */
export function keyCommand(program: Command): void {
  const key = program
    .command('key')
    .description("the owner key: the key that holds this machine's names")
  withDataDir(key.command('show').description("the owner key's fingerprint")).action(
    async (options: KeyOptions) => {
      const storage = await storageOf(options)
      try {
        const owner = await storage.identity.getOrCreateOwnerKey()
        printResult(options, { fingerprint: owner.fingerprint }, [owner.fingerprint])
      } finally {
        await storage.closed()
      }
    },
  )
  withDataDir(
    key
      .command('export')
      .description('save the owner key to a passphrase-encrypted key file (the app imports it)')
      .argument('<file>', 'the key file to write'),
  ).action(async (file: string, options: KeyOptions) => {
    const storage = await storageOf(options)
    try {
      const owner = await storage.identity.getOrCreateOwnerKey()
      const passphrase = await readPassphrase('the key file', true)
      const bytes = await storage.identity.exportOwnerKey(passphrase)
      const path = resolve(file)
      const temp = `${path}.${randomUUID()}.tmp`
      await writeFile(temp, bytes, { mode: 0o600 })
      await rename(temp, path)
      printResult(options, { file: path, fingerprint: owner.fingerprint }, [
        `owner key ${owner.fingerprint} saved to ${path}`,
      ])
    } finally {
      await storage.closed()
    }
  })
  withDataDir(
    key
      .command('import')
      .description('make the key in a key file (exported by the app or by alternet) the owner key')
      .argument('<file>', 'the key file to read')
      .option(
        '--replace',
        'replace an owner key that still publishes sites (they are forgotten here)',
      ),
  ).action(async (file: string, options: KeyOptions) => {
    const bytes = new Uint8Array(await readFile(file))
    const storage = await storageOf(options)
    try {
      const info = await storage.identity.inspectKeyFile(bytes)
      const passphrase = await readPassphrase(`the key file of ${info.fingerprint}`)
      const owner = await storage.identity.importOwnerKey(bytes, passphrase, {
        replace: options.replace === true,
      })
      printResult(options, { fingerprint: owner.fingerprint }, [
        `owner key ${owner.fingerprint} imported`,
      ])
    } finally {
      await storage.closed()
    }
  })
}
