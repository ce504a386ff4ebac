/**
 * `npm start` as a person runs it: through `scripts/launch.mjs`, which npm signals. Stopping it
 * must stop the relay it started, whichever process the signal reaches.
 * @module
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, it, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { REPO_ROOT, removeDir, tempDir } from '../relay/support/relay-process.ts'

/** How long the launcher may take to print the relay's listening line. */
const START_TIMEOUT_MS = 30_000

/**
 * Starts `npm start`'s launcher without a build; resolves with it and the relay's HTTP URL.
 * With `underShell`, the launcher runs as the child of a shell that waits for it, as under npm.
 */
async function launch(dataDir: string, underShell = false) {
  const argv = [
    join(REPO_ROOT, 'scripts', 'launch.mjs'),
    'start.mjs',
    '--skip-build',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--',
    '--host',
    '127.0.0.1',
    '--tcp-port',
    '0',
    '--ws-port',
    '0',
    '--webrtc-port',
    '0',
    '--log-level',
    'warn',
  ]
  const proc = underShell
    ? // `; exit` keeps the shell from replacing itself with the launcher.
      spawn('sh', ['-c', '"$0" "$@"; exit $?', process.execPath, ...argv], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(process.execPath, argv, {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const http = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error('npm start did not listen in time')),
      START_TIMEOUT_MS,
    )
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.includes('"event":"listening"'))
      if (line != null) {
        clearTimeout(timer)
        resolve((JSON.parse(line) as { http: string }).http)
      }
    })
  })
  return { proc, exited, http }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(new URL('/health', url))
    return true
  } catch {
    return false
  }
}

describe('npm start', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await removeDir(dir)
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the relay it started when the launcher alone gets ${signal}`, async () => {
      const dir = await tempDir('an-start-')
      dirs.push(dir)
      const { proc, exited, http } = await launch(dir)
      assert.equal(await answers(http), true)
      proc.kill(signal)
      await exited
      await eventually('the relay to stop', async () => !(await answers(http)))
    })
  }

  it('stops the relay it started when its parent goes without a signal for it', async () => {
    const dir = await tempDir('an-start-')
    dirs.push(dir)
    const { proc, exited, http } = await launch(dir, true)
    try {
      assert.equal(await answers(http), true)
      proc.kill('SIGKILL')
      await exited
      await eventually('the relay to stop', async () => !(await answers(http)))
    } finally {
      // Whatever is left of the process group (the launcher and relay, when they outlived it).
      try {
        process.kill(-proc.pid!, 'SIGKILL')
      } catch {
        // none left
      }
    }
  })
})
