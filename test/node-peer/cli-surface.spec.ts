/**
 * What a person or a script sees of `alternet` before any result: `--help` on every command
 * (with `--json`, and the network options where the command uses the network), the documented
 * exit codes in the top-level help, usage errors ending with the usage code and words, and
 * `publish` progress as a bar on a terminal (a pseudo-terminal from util-linux `script`), as
 * plain lines when stderr is a pipe, and not at all with `--json`; a key file's passphrase
 * asked on a terminal (twice for a new file) and never echoed. Run as processes, against a real
 * relay.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, match, ok } from '../support/assert.ts'
import {
  REPO_ROOT,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { alternetProgram } from '../../src/node/cli/alternet.ts'
import { EXIT } from '../../src/node/cli/exit-codes.ts'
import { ALTERNET_BIN, CLI_TIMEOUT_MS, alternet } from './cli-support.ts'

/** Every command, as its words on the command line, and whether it uses the network. */
const COMMANDS: Array<{ words: string[]; network: boolean }> = [
  { words: ['publish'], network: true },
  { words: ['resolve'], network: true },
  { words: ['get'], network: true },
  { words: ['host'], network: true },
  { words: ['status'], network: true },
  { words: ['key', 'export'], network: false },
  { words: ['key', 'import'], network: false },
  { words: ['key', 'show'], network: false },
]

/** One progress bar frame of cli-progress: `stage [bar] NN%`. */
const BAR = /(hashing|uploading|announcing) \[[^\]\n]*\] \d+%/

/** Single-quotes `word` for `sh -c`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** Whether util-linux `script` (a pseudo-terminal for a command) is on this machine. */
function haveScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Runs `alternet args…` on a pseudo-terminal; resolves with its exit code and what it showed.
 * Each of `answers` is typed (with Enter) once its prompt has shown, in order.
 */
function alternetOnTerminal(
  args: string[],
  answers: Array<{ prompt: string; reply: string }> = [],
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, ALTERNET_BIN, ...args].map(shellQuote).join(' ')
  return new Promise((resolve, reject) => {
    const proc = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ALTERNET_PASSPHRASE: '', ALTERNET_RELAYS: '', TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let screen = ''
    let seen = 0
    const show = (d: Buffer): void => {
      screen += d.toString()
      const next = answers[0]
      const at = next === undefined ? -1 : screen.indexOf(next.prompt, seen)
      if (next === undefined || at < 0) return
      seen = at + next.prompt.length
      answers.shift()
      proc.stdin.write(`${next.reply}\r`)
    }
    proc.stdout.on('data', show)
    proc.stderr.on('data', show)
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`alternet on a terminal did not finish: ${screen}`))
    }, CLI_TIMEOUT_MS)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, screen })
    })
  })
}

describe('alternet: help, usage errors and publish progress', () => {
  const dirs: string[] = []
  let relay: RelayProcess
  let folder = ''

  const dir = async (prefix: string): Promise<string> => {
    const made = await tempDir(prefix)
    dirs.push(made)
    return made
  }

  before(async () => {
    relay = await startRelay(await dir('an-cli-surface-relay-'), [
      '--dev',
      '--log-level',
      'warn',
      '--mirror-policy',
      'none',
    ])
    folder = await dir('an-cli-surface-site-')
    await mkdir(join(folder, 'docs'))
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>progress</title>')
    await writeFile(join(folder, 'docs', 'a.txt'), 'a'.repeat(200_000))
  })

  after(async () => {
    await relay?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  it('answers --help on every command with its options, and lists the exit codes', async () => {
    const top = await alternet(['--help'])
    equal(top.code, EXIT.ok, top.stderr)
    const text = top.stdout.toString()
    for (const name of ['publish', 'resolve', 'get', 'host', 'key', 'status'])
      match(text, new RegExp(`^\\s+${name}\\b`, 'm'), `${name} is listed`)
    const codes = /^Exit codes: (.*)$/m.exec(text)?.[1] ?? ''
    for (const [name, code] of Object.entries(EXIT))
      match(codes, new RegExp(`(^|, )${code} [a-z]`), `exit code ${code} (${name}) is documented`)
    // Each command's own help, as commander builds it for `alternet … --help` (in this process:
    // a process per command costs more than it shows).
    const program = alternetProgram()
    for (const { words, network } of COMMANDS) {
      let command: Command | undefined = program
      for (const word of words) command = command?.commands.find((c) => c.name() === word)
      if (command === undefined) throw new Error(`no command ${words.join(' ')}`)
      const help = command.helpInformation()
      match(help, new RegExp(`^Usage: alternet ${words.join(' ')}\\b`, 'm'), words.join(' '))
      for (const option of ['--json', '--data-dir <dir>', '--help'])
        ok(help.includes(option), `${words.join(' ')} --help lists ${option}`)
      equal(
        help.includes('--relay <url>'),
        network,
        `${words.join(' ')} --help ${network ? 'lists' : 'does not list'} --relay`,
      )
    }
    // And one of them as a person runs it.
    const one = await alternet(['key', 'export', '--help'])
    equal(one.code, EXIT.ok, one.stderr)
    match(one.stdout.toString(), /^Usage: alternet key export \[options\] <file>/m)
  })

  it('ends a usage error with the usage code and words, as JSON with --json, never a stack trace', async () => {
    const data = await dir('an-cli-surface-usage-')
    const cases: string[][] = [
      ['get'],
      ['resolve', 'an://anything:test', '--no-such-option'],
      ['publish', folder, '--data-dir', data],
      ['resolve', 'an://anything:test', '--data-dir', data],
      ['publish', folder, '--name', 'mysite:test', '--horizon', 'soon', '--data-dir', data],
      ['no-such-command'],
    ]
    for (const [i, args] of cases.entries()) {
      // With --json, the failure is a JSON document on stdout, as every other failure is.
      const json = await alternet([...args, '--json'])
      equal(json.code, EXIT.usage, `${args.join(' ')} --json: ${json.stderr}`)
      const { error } = json.json<{ error: { code: string; exitCode: number; message: string } }>()
      equal(error.code, 'UsageError', args.join(' '))
      equal(error.exitCode, EXIT.usage)
      ok(!/^error: /.test(error.message), `commander's prefix is gone: ${error.message}`)
      // Without it, words on stderr (two cases: each run is a process, and costs).
      if (i > 1) continue
      const res = await alternet(args)
      equal(res.code, EXIT.usage, `${args.join(' ')}: ${res.stderr}`)
      ok(res.stderr.trim() !== '', `${args.join(' ')} says why`)
      ok(!/\n\s+at /.test(res.stderr), `${args.join(' ')} printed a stack trace`)
    }
  })

  it('shows publish progress as a bar on a terminal, plain lines on a pipe, nothing with --json', async (t) => {
    const publish = async (data: string, name: string, extra: string[] = []): Promise<string[]> => [
      'publish',
      folder,
      '--name',
      name,
      '--data-dir',
      await dir(data),
      '--mirror-wait',
      '0s',
      '--relay',
      relay.http,
      ...extra,
    ]
    const stamp = Date.now().toString(36)

    const piped = await alternet(await publish('an-cli-surface-pipe-', `pipe${stamp}:test`))
    equal(piped.code, EXIT.ok, piped.stderr)
    match(piped.stderr, /^hashing 2 file\(s\)/m, 'a plain line for hashing')
    match(piped.stderr, /^announcing$/m, 'a plain line for announcing')
    ok(!BAR.test(piped.stderr), `no bar on a pipe: ${piped.stderr}`)
    ok(!piped.stderr.includes('\r'), 'no carriage returns on a pipe')
    match(piped.stdout.toString(), new RegExp(`^an://pipe${stamp}:test/$`, 'm'))

    const quiet = await alternet(
      await publish('an-cli-surface-json-', `json${stamp}:test`, ['--json']),
    )
    equal(quiet.code, EXIT.ok, quiet.stderr)
    equal(quiet.stderr, '', 'no progress with --json')
    equal(quiet.json<{ address: string }>().address, `an://json${stamp}:test/`)

    if (!haveScript()) {
      t.skip('util-linux script (a pseudo-terminal) is not installed here')
      return
    }
    const shown = await alternetOnTerminal(await publish('an-cli-surface-tty-', `tty${stamp}:test`))
    equal(shown.code, EXIT.ok, shown.screen)
    match(shown.screen, BAR, `a progress bar on a terminal: ${JSON.stringify(shown.screen)}`)
    ok(!/^hashing 2 file\(s\)/m.test(shown.screen), 'no plain progress lines on a terminal')
    match(shown.screen, new RegExp(`an://tty${stamp}:test/`))
  })

  it('asks a key file passphrase on a terminal, twice for a new file, without echoing it', async (t) => {
    if (!haveScript()) {
      t.skip('util-linux script (a pseudo-terminal) is not installed here')
      return
    }
    const secret = 'a passphrase typed by a person'
    const file = join(await dir('an-cli-surface-keyfile-'), 'owner.key')
    const from = await dir('an-cli-surface-from-')
    const exported = await alternetOnTerminal(
      ['key', 'export', file, '--data-dir', from, '--json'],
      [
        { prompt: 'Passphrase for the key file: ', reply: secret },
        { prompt: 'Same passphrase again: ', reply: secret },
      ],
    )
    equal(exported.code, EXIT.ok, exported.screen)
    ok(!exported.screen.includes(secret), 'the passphrase is not shown')
    const shown = await alternet(['key', 'show', '--data-dir', from, '--json'])
    const fingerprint = shown.json<{ fingerprint: string }>().fingerprint

    const into = await dir('an-cli-surface-into-')
    const imported = await alternetOnTerminal(
      ['key', 'import', file, '--data-dir', into, '--json'],
      [{ prompt: `Passphrase for the key file of ${fingerprint}: `, reply: secret }],
    )
    equal(imported.code, EXIT.ok, imported.screen)
    ok(!imported.screen.includes(secret), 'the passphrase is not shown')
    match(imported.screen, new RegExp(`"fingerprint": "${fingerprint}"`))

    // Without a terminal and without ALTERNET_PASSPHRASE, the command says what it needs.
    const piped = await alternet(['key', 'import', file, '--data-dir', await dir('an-cli-kp-')])
    equal(piped.code, EXIT.usage, piped.stderr)
    match(piped.stderr, /ALTERNET_PASSPHRASE/)
  })
})
