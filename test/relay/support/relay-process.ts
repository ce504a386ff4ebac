/**
 * Real relay processes for tests: spawned from `relay-node/src/cli.ts` on 127.0.0.1 with every
 * port 0 and a temp data dir; their addresses come from the JSON line they print on stdout.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventually } from '../../support/eventually.ts'

/** The repository root (relay processes run from there). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The relay's command-line entry point. */
export const CLI = join(REPO_ROOT, 'relay-node', 'src', 'cli.ts')
/** How long a relay may take to print its listening line (generous: the machine may be loaded). */
export const START_TIMEOUT_MS = 60_000

/** What a started relay printed. */
export interface Listening {
  peerId: string
  http: string
  multiaddrs: string[]
}

/** A relay running in its own process. */
export interface RelayProcess extends Listening {
  proc: ChildProcess
  dataDir: string
  /** Everything it wrote on stderr (its JSON-line logs). */
  stderr(): string
  /** The TCP multiaddr (with /p2p/). */
  tcp: string
  /** The WebSockets multiaddr (with /p2p/). */
  ws: string
  /** SIGTERM, and wait for exit; returns the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL, and wait for exit. */
  kill9(): Promise<void>
}

/** A fresh temp dir; `removeDir` deletes it. */
export async function tempDir(prefix = 'an-relay-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Deletes a temp dir. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL')
})

/** The flags every test relay gets: loopback, any free ports, quiet logs. */
export function testFlags(dataDir: string): string[] {
  return [
    '--data-dir',
    dataDir,
    '--host',
    '127.0.0.1',
    '--http-port',
    '0',
    '--tcp-port',
    '0',
    '--ws-port',
    '0',
    '--webrtc-port',
    '0',
    '--log-level',
    'info',
  ]
}

/** Runs the CLI with `args` to completion; returns exit code and output (for flag errors). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = START_TIMEOUT_MS,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    running.add(proc)
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`the relay did not exit within ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      running.delete(proc)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * Starts a relay process with `testFlags(dataDir)` plus `extra`; resolves once it serves.
 * `wrap` runs it under another command (`['ip', 'netns', 'exec', 'ns1']`).
 */
export async function startRelay(
  dataDir: string,
  extra: string[] = [],
  wrap: string[] = [],
): Promise<RelayProcess> {
  const argv = [process.execPath, CLI, ...testFlags(dataDir), ...extra]
  const [command, ...args] = [...wrap, ...argv]
  const proc = spawn(command, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(proc)
  let stderr = ''
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      running.delete(proc)
      resolve(code)
    }),
  )
  const listening = await new Promise<Listening>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`relay did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)),
      START_TIMEOUT_MS,
    )
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.includes('"event":"listening"'))
      if (line != null) {
        clearTimeout(timer)
        resolve(JSON.parse(line) as Listening)
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`relay exited with ${code} before listening: ${stderr}`))
    })
  }).catch((err: unknown) => {
    proc.kill('SIGKILL')
    throw err
  })
  const find = (re: RegExp): string => listening.multiaddrs.find((a) => re.test(a)) ?? ''
  return {
    ...listening,
    proc,
    dataDir,
    stderr: () => stderr,
    tcp: find(/\/tcp\/\d+\/p2p\//),
    ws: find(/\/ws\/p2p\//),
    stop: async () => {
      if (proc.exitCode == null && proc.signalCode == null) proc.kill('SIGTERM')
      return exited
    },
    kill9: async () => {
      if (proc.exitCode == null && proc.signalCode == null) proc.kill('SIGKILL')
      await exited
    },
  }
}

/** GETs a relay URL path and parses JSON. */
export async function getJson<T = Record<string, unknown>>(
  relay: Listening,
  path: string,
): Promise<T> {
  const res = await fetch(relay.http + path, { signal: AbortSignal.timeout(5000) })
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`)
  return (await res.json()) as T
}

/** Polls `check` until it returns something other than undefined/false, or throws after `ms`. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
  every = 200,
): Promise<T> {
  return eventually(what, check, ms, every)
}

/** The value of one Prometheus sample (`name{labels}`), 0 when absent. */
export function metricValue(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' '))
  return line == null ? 0 : Number(line.slice(sample.length + 1))
}

/** Placement rounds `relay` has completed (`alternet_relay_mirror_scans_total`). */
export async function scansDone(relay: RelayProcess): Promise<number> {
  const text = await (await fetch(`${relay.http}/metrics`)).text()
  return metricValue(text, 'alternet_relay_mirror_scans_total')
}

/**
 * Waits until every relay of `relays` has completed a whole placement round begun after this
 * call (two more than now: the first may have begun before).
 */
export async function waitForScan(relays: RelayProcess[], ms = 60_000): Promise<void> {
  const start = await Promise.all(relays.map(scansDone))
  await waitFor(
    'a whole placement round on every relay',
    async () => (await Promise.all(relays.map(scansDone))).every((n, i) => n >= start[i] + 2),
    ms,
    250,
  )
}
