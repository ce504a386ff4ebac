// @ts-check
/**
 * `npm start`: builds the app and starts a local relay that serves it, on embedded defaults.
 * Prints the URL to open. Options: `--port N` (or PORT) for the HTTP port, `--data-dir DIR`,
 * and anything after `--` goes to the relay as is (see `npm run relay -- --help`).
 */
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

/** The HTTP port the app is served on when neither --port nor PORT says otherwise. */
const DEFAULT_PORT = 8780
/** Where the local relay keeps its identity and records between runs. */
const DEFAULT_DATA_DIR = '.data/relay'

const { values, positionals } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'skip-build': { type: 'boolean' },
  },
  allowPositionals: true,
})

const port = values.port ?? process.env.PORT ?? String(DEFAULT_PORT)
if (!/^\d+$/.test(port) || Number(port) > 65535) {
  console.error(`Not a port number: ${port}`)
  process.exit(1)
}

if (!values['skip-build']) {
  console.log('Building the app …')
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (build.status !== 0) {
    console.error('The app did not build: see the messages above.')
    process.exit(build.status ?? 1)
  }
}

const relay = spawn(
  process.execPath,
  [
    join('relay-node', 'src', 'cli.ts'),
    '--http-port',
    port,
    '--data-dir',
    values['data-dir'] ?? DEFAULT_DATA_DIR,
    '--app-dir',
    'dist',
    '--dev',
    ...positionals,
  ],
  { stdio: ['inherit', 'pipe', 'inherit'] },
)

// Pass the relay's log through, and greet the person with the URL once it listens.
let pending = ''
relay.stdout.setEncoding('utf8')
relay.stdout.on('data', (/** @type {string} */ text) => {
  process.stdout.write(text)
  pending += text
  let newline
  while ((newline = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, newline)
    pending = pending.slice(newline + 1)
    if (!line.includes('"listening"')) continue
    try {
      const event = JSON.parse(line)
      if (event.event === 'listening' && event.app) {
        console.log(
          `\n  Alternet is running. Open ${event.app} in Chromium, Chrome, Edge or Firefox.\n  Stop it with Ctrl+C.\n`,
        )
      }
    } catch {
      // Not a JSON line: already printed as is.
    }
  }
})

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => relay.kill(signal))
}
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
