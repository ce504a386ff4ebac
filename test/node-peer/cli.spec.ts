/**
 * `alternet`, run as a process against real relay processes: a folder hosted by `alternet host`
 * is resolved and fetched (a file, and a folder's index page) by other data directories with the
 * same bytes; `status` reads the running host; missing names and paths exit with the not-found
 * code; a tampered block exits with the verification code and writes nothing; `publish` prints
 * the address and share link; the owner key goes out and back in through a key file.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { EXIT } from '../../src/node/cli/exit-codes.ts'
import {
  alternet,
  alternetBackground,
  TEST_PASSPHRASE,
  type Background,
  type CliResult,
} from './cli-support.ts'

describe('alternet, the command line, against real relays', () => {
  const dirs: string[] = []
  const relays: RelayProcess[] = []
  let relayArgs: string[] = []
  let site = ''
  let folder = ''
  const big = randomBytes(300 * 1024)
  const index = '<!doctype html><title>cli</title><p>hello from the command line</p>'

  const dir = async (prefix: string): Promise<string> => {
    const made = await tempDir(prefix)
    dirs.push(made)
    return made
  }

  /** `alternet host` of the test folder as `name`, keeping its data in `hostDir`. */
  const hostFolder = (name: string, hostDir: string): Background =>
    alternetBackground([
      'host',
      folder,
      '--name',
      name,
      '--data-dir',
      hostDir,
      '--json',
      ...relayArgs,
    ])

  /** `alternet get` of `name`'s big.bin into `visitor`/big.bin. */
  const getBigTo = (name: string, visitor: string): Promise<CliResult> =>
    alternet([
      'get',
      `an://${name}/docs/big.bin`,
      '-o',
      join(visitor, 'big.bin'),
      '--data-dir',
      visitor,
      ...relayArgs,
    ])

  /** Asserts that a refused get left neither the file nor a temporary one in `visitor`. */
  const nothingWrittenIn = async (visitor: string): Promise<void> => {
    const left = await readdir(visitor)
    ok(!left.includes('big.bin'), `nothing written: ${left.join(', ')}`)
    ok(!left.some((f) => f.endsWith('.tmp')), `no temporary file left: ${left.join(', ')}`)
  }

  before(async () => {
    // Mirroring off: these relays must not serve a copy of the site, so that the host's
    // (tampered) blocks are the only ones.
    const flags = ['--dev', '--log-level', 'warn', '--mirror-policy', 'none']
    relays.push(await startRelay(await dir('an-cli-relay-'), flags))
    relays.push(
      await startRelay(await dir('an-cli-relay-'), [...flags, '--bootstrap', relays[0].tcp]),
    )
    relayArgs = relays.flatMap((r) => ['--relay', r.http])
    site = `cli${Date.now().toString(36)}:test`
    folder = await dir('an-cli-site-')
    await mkdir(join(folder, 'docs'))
    await writeFile(join(folder, 'index.html'), index)
    await writeFile(join(folder, 'docs', 'big.bin'), big)
    await writeFile(join(folder, '.hidden'), 'not published')
  })

  after(async () => {
    await Promise.all(relays.map((r) => r.stop()))
    await Promise.all(dirs.map(removeDir))
  })

  it('hosts a folder; others resolve it and get a file and the home page, the same bytes', async () => {
    const hostDir = await dir('an-cli-host-')
    const host = hostFolder(site, hostDir)
    try {
      const ready = await host.ready
      equal(ready.address, `an://${site}/`)
      ok(String(ready.shareLink).startsWith(`${relays[0].http}/#/view/an://${site}`))

      const visitor = await dir('an-cli-visitor-')
      const resolved = await alternet([
        'resolve',
        site,
        '--data-dir',
        visitor,
        '--json',
        ...relayArgs,
      ])
      equal(resolved.code, EXIT.ok, resolved.stderr)
      const record = resolved.json<{
        owner: string
        seq: number
        hosts: { peer: string }[]
        content: string
      }>()
      equal(record.content, ready.root)
      ok(record.seq >= 1)
      equal(record.hosts.length, 1)
      ok(/^[a-z2-7]{4}(-[a-z2-7]{4}){4}$/.test(record.owner), record.owner)

      const out = join(visitor, 'big.bin')
      const got = await alternet([
        'get',
        `an://${site}/docs/big.bin`,
        '-o',
        out,
        '--data-dir',
        visitor,
        ...relayArgs,
      ])
      equal(got.code, EXIT.ok, got.stderr)
      deepEqual(new Uint8Array(await readFile(out)), new Uint8Array(big))

      const home = await alternet(['get', `an://${site}`, '--data-dir', visitor, ...relayArgs])
      equal(home.code, EXIT.ok, home.stderr)
      equal(home.stdout.toString(), index)

      const hidden = await alternet([
        'get',
        `an://${site}/.hidden`,
        '--data-dir',
        visitor,
        ...relayArgs,
      ])
      equal(hidden.code, EXIT.notFound, hidden.stderr)
      ok(!/Error\b/.test(hidden.stderr), `no class name in: ${hidden.stderr}`)

      const status = await alternet(['status', '--data-dir', hostDir, '--json', ...relayArgs])
      equal(status.code, EXIT.ok, status.stderr)
      const report = status.json<{ from: string; hosted: { site: string }[]; peerId: string }>()
      equal(report.from, 'host')
      deepEqual(
        report.hosted.map((s) => s.site),
        [site],
      )
      equal(report.peerId, record.hosts[0].peer)
    } finally {
      equal(await host.stop(), 0, host.stderr())
    }
  })

  it('a name nobody published exits with the not-found code, in words', async () => {
    const visitor = await dir('an-cli-visitor-')
    // The relay given by its app URL's form, a name under localhost (as `npm start` prints it):
    // Node's resolver may not know the name, the command still reaches the relay.
    const appUrl = new URL(relays[0].http)
    appUrl.hostname = 'an.localhost'
    const res = await alternet([
      'get',
      `an://nobody${Date.now()}:test/`,
      '--data-dir',
      visitor,
      '--relay',
      appUrl.href,
    ])
    equal(res.code, EXIT.notFound, res.stderr)
    ok(res.stderr.includes('Name not found'), res.stderr)
    ok(!res.stderr.includes('NameNotFoundError'), res.stderr)
  })

  it('a tampered block exits with the verification code and writes nothing', async () => {
    const hostDir = await dir('an-cli-host-')
    const name = `tamper${Date.now().toString(36)}:test`
    // Host once to store the blocks, then alter one on disk: hosting again keeps stored blocks.
    const first = hostFolder(name, hostDir)
    await first.ready
    equal(await first.stop(), 0, first.stderr())
    const blocksDir = join(hostDir, 'blocks')
    let tampered = 0
    for (const file of await readdir(blocksDir)) {
      const path = join(blocksDir, file)
      if ((await stat(path)).size !== 256 * 1024) continue
      const bytes = await readFile(path)
      bytes[1000] ^= 0xff
      await writeFile(path, bytes)
      tampered++
    }
    equal(tampered, 1)
    const host = hostFolder(name, hostDir)
    try {
      await host.ready
      const visitor = await dir('an-cli-visitor-')
      const res = await getBigTo(name, visitor)
      equal(res.code, EXIT.verificationFailed, res.stderr)
      ok(!res.stderr.includes('BlockVerificationError'), res.stderr)
      await nothingWrittenIn(visitor)
      const toStdout = await alternet([
        'get',
        `an://${name}/docs/big.bin`,
        '--data-dir',
        visitor,
        ...relayArgs,
      ])
      equal(toStdout.code, EXIT.verificationFailed, toStdout.stderr)
      equal(toStdout.stdout.length, 0)
    } finally {
      await host.stop()
    }
  })

  it('a block no source holds exits with the verification code and writes nothing', async () => {
    const hostDir = await dir('an-cli-host-')
    const name = `missing${Date.now().toString(36)}:test`
    const host = hostFolder(name, hostDir)
    try {
      await host.ready
      // big.bin is a 256 KiB chunk and a 44 KiB one: the host loses the second.
      const blocksDir = join(hostDir, 'blocks')
      let removed = 0
      for (const file of await readdir(blocksDir)) {
        if ((await stat(join(blocksDir, file))).size !== big.length - 256 * 1024) continue
        await rm(join(blocksDir, file))
        removed++
      }
      equal(removed, 1)
      const visitor = await dir('an-cli-visitor-')
      const res = await getBigTo(name, visitor)
      equal(res.code, EXIT.verificationFailed, res.stderr)
      await nothingWrittenIn(visitor)
    } finally {
      await host.stop()
    }
  })

  it('publish prints the address and the share link; status shows the relays and the site kept', async () => {
    const publisher = await dir('an-cli-pub-')
    const name = `pub${Date.now().toString(36)}:test`
    const res = await alternet([
      'publish',
      folder,
      '--name',
      name,
      '--data-dir',
      publisher,
      '--json',
      '--mirror-wait',
      '0s',
      ...relayArgs,
    ])
    equal(res.code, EXIT.ok, res.stderr)
    const doc = res.json<{ address: string; shareLink: string; files: number; accepted: number }>()
    equal(doc.address, `an://${name}/`)
    equal(doc.shareLink, `${relays[0].http}/#/view/an://${name}/`)
    equal(doc.files, 2)
    ok(doc.accepted >= 1)

    // status on the same data directory: its relays, reachability and the site it keeps.
    const status = await alternet(['status', '--data-dir', publisher, '--json', ...relayArgs])
    equal(status.code, EXIT.ok, status.stderr)
    const report = status.json<{
      from: string
      relays: { connected: boolean }[]
      reachable: boolean
      hosted: { site: string; bytes: number }[]
    }>()
    equal(report.from, 'status')
    ok(report.relays.some((r) => r.connected))
    ok(report.reachable)
    deepEqual(
      report.hosted.map((s) => s.site),
      [name],
    )
    ok(report.hosted[0].bytes > 0, `the site kept is ${report.hosted[0].bytes} bytes`)
  })

  it('the owner key goes out in a key file and into another data directory; a wrong passphrase is refused', async () => {
    const a = await dir('an-cli-key-a-')
    const b = await dir('an-cli-key-b-')
    const file = join(a, 'owner.key')
    const shown = await alternet(['key', 'show', '--data-dir', a, '--json'])
    const fingerprint = shown.json<{ fingerprint: string }>().fingerprint
    const exported = await alternet(['key', 'export', file, '--data-dir', a], {
      ALTERNET_PASSPHRASE: TEST_PASSPHRASE,
    })
    equal(exported.code, EXIT.ok, exported.stderr)
    equal((await stat(file)).mode & 0o777, 0o600)
    const noPassphrase = await alternet(['key', 'import', file, '--data-dir', b])
    equal(noPassphrase.code, EXIT.usage, noPassphrase.stderr)
    const wrong = await alternet(['key', 'import', file, '--data-dir', b], {
      ALTERNET_PASSPHRASE: 'not the passphrase at all',
    })
    equal(wrong.code, EXIT.keyFile, wrong.stderr)
    ok(wrong.stderr.includes('Wrong passphrase'), wrong.stderr)
    const imported = await alternet(['key', 'import', file, '--data-dir', b, '--json'], {
      ALTERNET_PASSPHRASE: TEST_PASSPHRASE,
    })
    equal(imported.code, EXIT.ok, imported.stderr)
    equal(imported.json<{ fingerprint: string }>().fingerprint, fingerprint)
    equal((await stat(join(b, 'owner-key.json'))).mode & 0o777, 0o600)
  })
})
