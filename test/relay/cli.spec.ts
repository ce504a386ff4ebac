/**
 * The relay's command line: every setting listed by --help, settings from the environment and
 * a config file, and one clear line (exit 1, no stack trace) for each bad value.
 */
import { createServer, type Server } from 'node:net'
import { mkdir, writeFile } from 'node:fs/promises'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { OPTIONS } from '../../relay-node/src/config.ts'
import { envName } from '../../relay-node/src/option-spec.ts'
import {
  getJson,
  removeDir,
  runCli,
  startRelay,
  tempDir,
  testFlags,
} from './support/relay-process.ts'

/** Asserts a run failed at start with exactly one line on stderr matching `pattern`. */
function assertOneLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 1, `exit code ${result.code}: ${result.stderr}`)
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'))
  assert.equal(lines.length, 1, `expected one line, got: ${result.stderr}`)
  assert.match(lines[0], /^alternet-relay: /)
  assert.match(lines[0], pattern)
  assert.ok(!/\n\s+at /.test(result.stderr), 'printed a stack trace')
}

describe('relay command line', () => {
  let dir: string
  let blocker: Server
  let busyPort: number

  before(async () => {
    dir = await tempDir()
    blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    busyPort = (blocker.address() as { port: number }).port
  })

  after(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()))
    await removeDir(dir)
  })

  it('lists every flag and its environment variable in --help', async () => {
    const { code, stdout } = await runCli(['--help'])
    assert.equal(code, 0)
    for (const spec of OPTIONS) {
      assert.ok(stdout.includes(`--${spec.flag}`), `--help does not list --${spec.flag}`)
      assert.ok(stdout.includes(envName(spec.flag)), `--help does not list ${envName(spec.flag)}`)
    }
    assert.ok(stdout.includes('--config'))
  })

  it('refuses a malformed port', async () => {
    assertOneLine(
      await runCli([...testFlags(`${dir}/a`), '--http-port', '70000']),
      /--http-port: expected a port number/,
    )
  })

  it('refuses an HTTP port in use', async () => {
    assertOneLine(
      await runCli([...testFlags(`${dir}/b`), '--http-port', String(busyPort)]),
      new RegExp(`--http-port: port ${busyPort} .*in use`),
    )
  })

  it('refuses a libp2p port in use', async () => {
    assertOneLine(
      await runCli([...testFlags(`${dir}/c`), '--tcp-port', String(busyPort)]),
      new RegExp(`--tcp-port: port ${busyPort} .*in use`),
    )
  })

  it('refuses a bad multiaddr', async () => {
    assertOneLine(
      await runCli([...testFlags(`${dir}/d`), '--announce', '/ip4/not-an-ip/tcp/1']),
      /--announce: not a multiaddr/,
    )
    assertOneLine(
      await runCli([...testFlags(`${dir}/d`), '--bootstrap', '/ip4/127.0.0.1/tcp/1']),
      /--bootstrap: .* has no \/p2p\/<peer id> part/,
    )
  })

  it('refuses an unreadable TLS key and an unreadable peer key', async () => {
    assertOneLine(
      await runCli([
        ...testFlags(`${dir}/e`),
        '--tls-cert',
        `${dir}/missing.pem`,
        '--tls-key',
        `${dir}/missing.key`,
        '--wss-port',
        '0',
      ]),
      /--tls-(cert|key): cannot read .*ENOENT/,
    )
    await mkdir(`${dir}/f/peer-key`, { recursive: true })
    assertOneLine(await runCli(testFlags(`${dir}/f`)), /cannot read the peer key .*EISDIR/)
    await mkdir(`${dir}/g`, { recursive: true })
    await writeFile(`${dir}/g/peer-key`, 'not a key')
    assertOneLine(await runCli(testFlags(`${dir}/g`)), /is not a libp2p private key/)
  })

  it('refuses unknown flags, bad enums and bad trust files', async () => {
    assertOneLine(await runCli(['--no-such-flag']), /Unknown option '--no-such-flag'/)
    assertOneLine(
      await runCli([...testFlags(`${dir}/h`), '--log-level', 'loud']),
      /--log-level: expected one of/,
    )
    await mkdir(`${dir}/i`, { recursive: true })
    await writeFile(`${dir}/i/trusted-registrars`, '# registrars\nnot-hex\n')
    assertOneLine(
      await runCli(testFlags(`${dir}/i`)),
      /trusted-registrars: entry 1 is not a 32-byte Ed25519 public key/,
    )
  })

  it('reads settings from the environment and a config file, flags first', async () => {
    await writeFile(
      `${dir}/config.json`,
      JSON.stringify({
        publicHost: 'from-file.localhost',
        maxReservations: 2048,
        logLevel: 'warn',
      }),
    )
    assertOneLine(
      await runCli([...testFlags(`${dir}/j`), '--config', `${dir}/config.json`], {
        ALTERNET_RELAY_MAX_RESERVATIONS: 'many',
      }),
      /ALTERNET_RELAY_MAX_RESERVATIONS: expected a whole number/,
    )
    await writeFile(`${dir}/bad.json`, JSON.stringify({ noSuchSetting: 1 }))
    assertOneLine(
      await runCli([...testFlags(`${dir}/k`), '--config', `${dir}/bad.json`]),
      /unknown setting "noSuchSetting"/,
    )
    const relay = await startRelay(`${dir}/l`, ['--config', `${dir}/config.json`])
    try {
      const res = await fetch(`${relay.http}/`, { redirect: 'manual' })
      assert.match(res.headers.get('location') ?? '', /^http:\/\/from-file\.localhost:\d+\/$/)
      assert.equal((await getJson(relay, '/health')).status, 'ok')
    } finally {
      assert.equal(await relay.stop(), 0, 'SIGTERM did not end the relay cleanly')
    }
  })
})
