/**
 * `alternet`: the command line of a Node Alternet peer. Commands: `publish`, `resolve`, `get`,
 * `host`, `key export|import|show`, `status`; `--help` on each. Exit codes are `EXIT`
 * (exit-codes.ts; README.md, "Command line"). Run through `bin/alternet.mjs` (`npx alternet`).
 * @module
 */
import { Command, CommanderError } from 'commander'
import { UsageError } from './errors.ts'
import { EXIT } from './exit-codes.ts'
import { reportError } from './output.ts'
import { getCommand } from './commands/get.ts'
import { hostCommand } from './commands/host.ts'
import { keyCommand } from './commands/key.ts'
import { publishCommand } from './commands/publish.ts'
import { resolveCommand } from './commands/resolve.ts'
import { statusCommand } from './commands/status.ts'

/** The program, its commands registered. */
export function alternetProgram(): Command {
  const program = new Command('alternet')
    .description('Publish, host and fetch Alternet sites from the command line.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Exit codes: ${EXIT.ok} ok, ${EXIT.error} error, ${EXIT.usage} usage, ${EXIT.notFound} not found, ${EXIT.verificationFailed} verification failed, ${EXIT.keyFile} key file (wrong passphrase, damaged file).
Environment: ALTERNET_RELAYS (relays when no --relay), ALTERNET_DATA_DIR, ALTERNET_PASSPHRASE (key files),
ALTERNET_KEY_PASSPHRASE (encrypts the owner key at rest), ALTERNET_API_TOKEN (publish --api).`,
    )
  for (const register of [
    publishCommand,
    resolveCommand,
    getCommand,
    hostCommand,
    keyCommand,
    statusCommand,
  ])
    register(program)
  for (const command of program.commands) {
    command.exitOverride()
    for (const sub of command.commands) sub.exitOverride()
  }
  return program
}

/** Runs `alternet` with `argv` (user arguments only); resolves to the exit code. */
export async function runAlternet(argv: string[]): Promise<number> {
  const program = alternetProgram()
  try {
    await program.parseAsync(argv, { from: 'user' })
    return EXIT.ok
  } catch (error) {
    const json = argv.includes('--json')
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return EXIT.ok
      if (error.code !== 'commander.executeSubCommandAsync') {
        const words = error.message.replace(/^error: /, '')
        // With --json, scripts read the failure on stdout as for any other.
        if (json) return reportError({ json }, new UsageError(words), EXIT.usage)
        // commander printed its own message for usage errors it found; ours it did not.
        if (error.code === 'commander.invalidArgument' && !error.message.startsWith('error:'))
          process.stderr.write(`alternet: ${error.message}\n`)
        return EXIT.usage
      }
    }
    return reportError({ json }, error)
  }
}

if (import.meta.main === true || process.argv[1] === new URL(import.meta.url).pathname) {
  process.exitCode = await runAlternet(process.argv.slice(2))
  // libp2p and LevelDB may hold handles a moment after stop; the command is done.
  process.exit()
}
