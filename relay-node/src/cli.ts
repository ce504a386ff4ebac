/**
 * The `alternet-relay` command: reads settings (flags, `ALTERNET_RELAY_*`, `--config`), starts a
 * relay, prints one JSON line on stdout once it serves (`{"event":"listening",…}`), and shuts
 * down cleanly on SIGINT or SIGTERM. A bad setting prints one line on stderr and exits 1.
 * SIGHUP reads the trust files again.
 * @module
 */
import { parseCommandLine, helpText } from './config.ts'
import { ConfigError } from './errors.ts'
import { createLogger } from './log.ts'
import { createRelay, type Relay } from './relay.ts'

/** Exit code for a setting the relay cannot run with. */
const EXIT_CONFIG = 1
/** Exit code for an unexpected failure. */
const EXIT_FAILURE = 2
/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`alternet-relay: ${err.message}\n`)
    process.exit(EXIT_CONFIG)
  }
  process.stderr.write(`alternet-relay: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(EXIT_FAILURE)
}

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2))
  if (parsed.help) {
    process.stdout.write(helpText())
    return
  }
  const { config } = parsed
  const log = createLogger(config.logLevel)
  const relay: Relay = await createRelay(config, log)
  process.stdout.write(
    JSON.stringify({
      event: 'listening',
      peerId: relay.peerId.toString(),
      http: relay.httpUrl,
      app: `${config.https ? 'https' : 'http'}://${config.publicHost}:${relay.httpPort}/`,
      multiaddrs: relay.node.getMultiaddrs().map(String),
      ...(relay.dnsPort !== undefined ? { dns: relay.dnsPort } : {}),
    }) + '\n',
  )

  let shuttingDown = false
  const shutdown = (signal: string): void => {
    if (shuttingDown) return
    shuttingDown = true
    log.info('shutting down', { signal })
    setTimeout(() => {
      log.error('shutdown took too long; exiting')
      process.exit(EXIT_FAILURE)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    relay.stop().then(
      () => process.exit(0),
      (err) => {
        log.error('shutdown failed', { error: err })
        process.exit(EXIT_FAILURE)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGHUP', () => {
    relay.reloadPermissions().then(
      () => log.info('trust files reloaded'),
      (err) => log.error('trust files not reloaded', { error: err }),
    )
  })
}

main().catch(fail)
