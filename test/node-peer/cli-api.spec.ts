/**
 * `alternet publish --api URL` as a child process against a real relay with `--api-tokens`:
 * the site goes up as a CAR through the registrar API and the relay's gateway serves it
 * byte-identical; a wrong token ends the command non-zero with the registry's words; the next
 * normal publish would climb above the record signed for the API.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { request } from 'node:http'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { EXIT } from '../../src/node/cli/exit-codes.ts'
import { uniqueName } from '../relay/support/records.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { alternet } from './cli-support.ts'

const TOKEN = 'cli-token-0123456789abcdef'

/** A gateway GET of `path` on `site`, as bytes. */
function gatewayGet(
  relay: RelayProcess,
  site: string,
  path: string,
): Promise<{ status: number; body: Buffer }> {
  const url = new URL(relay.http)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        headers: { host: `${toOriginLabel(site)}.alt` },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('alternet publish --api', () => {
  let dir: string
  let relay: RelayProcess
  const name = uniqueName('cliapi')
  const page = Buffer.from('<h1>through the API</h1>')
  const data = Buffer.from(new Uint8Array(400_000).map((_, i) => (i * 7) % 253))

  before(async () => {
    dir = await tempDir('an-cli-api-')
    await writeFile(join(dir, 'tokens'), `${TOKEN} cli\n`)
    await writeFile(join(dir, 'token'), `${TOKEN}\n`)
    await writeFile(join(dir, 'wrong-token'), 'cli-token-0123456789abcdeX\n')
    await mkdir(join(dir, 'site', 'assets'), { recursive: true })
    await writeFile(join(dir, 'site', 'index.html'), page)
    await writeFile(join(dir, 'site', 'assets', 'data.bin'), data)
    relay = await startRelay(join(dir, 'relay'), ['--api-tokens', join(dir, 'tokens')])
  })

  after(async () => {
    await relay?.stop()
    await removeDir(dir)
  })

  it('publishes the folder through the API; the relay serves it byte-identical', async () => {
    const run = await alternet(
      [
        'publish',
        join(dir, 'site'),
        '--name',
        name,
        '--api',
        relay.http,
        '--data-dir',
        join(dir, 'peer'),
        '--json',
      ],
      { ALTERNET_API_TOKEN: TOKEN },
    )
    assert.equal(run.code, EXIT.ok, run.stderr + run.stdout.toString())
    const out = run.json()
    assert.equal(out.address, `an://${name}/`)
    assert.equal(out.seq, 1)
    assert.equal(out.files, 2)
    assert.equal(out.shareLink, `${new URL(relay.http).origin}/#/view/an://${name}/`)
    assert.ok((out.received as number) >= 2, JSON.stringify(out))

    const home = await gatewayGet(relay, name, '/index.html')
    assert.equal(home.status, 200)
    assert.ok(home.body.equals(page))
    const bin = await gatewayGet(relay, name, '/assets/data.bin')
    assert.equal(bin.status, 200)
    assert.ok(bin.body.equals(data), 'data.bin byte-identical')

    // The record is kept: the next publish (through the API here) signs a higher seq.
    const again = await alternet(
      [
        'publish',
        join(dir, 'site'),
        '--name',
        name,
        '--api',
        relay.http,
        '--token-file',
        join(dir, 'token'),
        '--data-dir',
        join(dir, 'peer'),
        '--json',
      ],
      { ALTERNET_API_TOKEN: '' },
    )
    assert.equal(again.code, EXIT.ok, again.stderr + again.stdout.toString())
    assert.equal(again.json().seq, 2)
  })

  it('ends with an error in words when the relay refuses the token', async () => {
    const run = await alternet([
      'publish',
      join(dir, 'site'),
      '--name',
      uniqueName('cliapi'),
      '--api',
      relay.http,
      '--token-file',
      join(dir, 'wrong-token'),
      '--data-dir',
      join(dir, 'peer'),
    ])
    assert.equal(run.code, EXIT.error)
    assert.match(run.stderr, /The relay refused the API token/)
    assert.ok(!/Error\b/.test(run.stderr), run.stderr)
  })
})
