/**
 * Runs `alternet` as a child process (through `bin/alternet.mjs`, as `npx alternet` does), to
 * completion or in the background (`alternet host`).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from '../relay/support/relay-process.ts'

/** The launcher. */
export const ALTERNET_BIN = join(REPO_ROOT, 'bin', 'alternet.mjs')
/** Longest a command may run in a test (generous: the machine is shared). */
export const CLI_TIMEOUT_MS = 120_000
/** A passphrase long enough for key files. */
export const TEST_PASSPHRASE = 'correct horse battery staple'

/** What a finished command left. */
export interface CliResult {
  code: number | null
  stdout: Buffer
  stderr: string
  /** stdout parsed as JSON (commands run with --json). */
  json<T = Record<string, unknown>>(): T
}

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL')
})

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const proc = spawn(process.execPath, [ALTERNET_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ALTERNET_PASSPHRASE: '', ALTERNET_RELAYS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(proc)
  proc.on('exit', () => running.delete(proc))
  return proc
}

/** Runs `alternet args…` to completion. */
export function alternet(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = start(args, env)
    const out: Buffer[] = []
    let stderr = ''
    proc.stdout!.on('data', (d: Buffer) => out.push(d))
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`alternet ${args[0]} did not finish: ${stderr}`))
    }, CLI_TIMEOUT_MS)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      const stdout = Buffer.concat(out)
      resolve({
        code,
        stdout,
        stderr,
        json: <T>() => JSON.parse(stdout.toString()) as T,
      })
    })
  })
}

/** A command left running. */
export interface Background {
  proc: ChildProcess
  /** Resolves with the first JSON document it printed on stdout. */
  ready: Promise<Record<string, unknown>>
  stderr(): string
  /** SIGTERM, and its exit code. */
  stop(): Promise<number | null>
}

/** Starts `alternet args…` (with `--json`) in the background. */
export function alternetBackground(args: string[], env: NodeJS.ProcessEnv = {}): Background {
  const proc = start(args, env)
  let stderr = ''
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`not ready: ${stderr}`)), CLI_TIMEOUT_MS)
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      try {
        const doc = JSON.parse(out) as Record<string, unknown>
        clearTimeout(timer)
        resolve(doc)
      } catch {
        // not complete yet
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code}: ${stderr}`))
    })
  })
  return {
    proc,
    ready,
    stderr: () => stderr,
    stop: async () => {
      if (proc.exitCode == null && proc.signalCode == null) proc.kill('SIGTERM')
      return exited
    },
  }
}
