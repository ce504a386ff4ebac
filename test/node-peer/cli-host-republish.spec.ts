/**
 * `alternet host` keeps its record current as the app does: when one of its relays goes away,
 * the host's addresses change and it signs the next version of its record with the addresses
 * it still has, and puts it to the relay that is left. Real relay processes; the host is the
 * command line run as a process.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { EXIT } from '../../src/node/cli/exit-codes.ts'
import { alternet, alternetBackground, type Background } from './cli-support.ts'

/** Longest wait for the host's next version to reach the relay that is left. */
const REPUBLISH_WAIT_MS = 90_000

interface Resolved {
  seq: number
  hosts: { peer: string; addrs: string[] }[]
}

describe('alternet host republishes', () => {
  const dirs: string[] = []
  const relays: RelayProcess[] = []
  let host: Background | undefined

  const dir = async (prefix: string): Promise<string> => {
    const made = await tempDir(prefix)
    dirs.push(made)
    return made
  }

  /** The record as a fresh data directory resolves it through the first relay only. */
  const resolve = async (site: string): Promise<Resolved> => {
    const run = await alternet([
      'resolve',
      site,
      '--data-dir',
      await dir('an-cli-republish-visitor-'),
      '--json',
      '--relay',
      relays[0].http,
    ])
    equal(run.code, EXIT.ok, run.stderr)
    return run.json<Resolved>()
  }

  before(async () => {
    const flags = ['--dev', '--log-level', 'warn', '--mirror-policy', 'none']
    relays.push(await startRelay(await dir('an-cli-republish-relay-'), flags))
    relays.push(
      await startRelay(await dir('an-cli-republish-relay-'), [
        ...flags,
        '--bootstrap',
        relays[0].tcp,
      ]),
    )
  })

  after(async () => {
    await host?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await Promise.all(dirs.map(removeDir))
  })

  it('signs the next version with its new addresses when one of its relays goes away', async () => {
    const site = `republish${Date.now().toString(36)}:test`
    const folder = await dir('an-cli-republish-site-')
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, 'index.html'), '<p>kept current</p>')
    host = alternetBackground([
      'host',
      folder,
      '--name',
      site,
      '--data-dir',
      await dir('an-cli-republish-host-'),
      '--json',
      ...relays.flatMap((r) => ['--relay', r.http]),
    ])
    await host.ready
    const first = await resolve(site)
    equal(first.hosts.length, 1)
    const gone = relays[1].peerId
    ok(
      first.hosts[0].addrs.some((a) => a.includes(gone)),
      `the host is first reachable through both relays: ${first.hosts[0].addrs.join(' ')}`,
    )

    await relays[1].stop()
    relays.splice(1, 1)
    const deadline = Date.now() + REPUBLISH_WAIT_MS
    let now = first
    while (now.seq === first.seq && Date.now() < deadline) {
      await sleep(1000)
      now = await resolve(site)
    }
    ok(now.seq > first.seq, `a next version reached the relay left: ${host.stderr()}`)
    equal(now.hosts.length, 1)
    ok(now.hosts[0].addrs.length > 0)
    ok(
      now.hosts[0].addrs.every((a) => !a.includes(gone)),
      `no address through the relay that went away: ${now.hosts[0].addrs.join(' ')}`,
    )
  })
})
