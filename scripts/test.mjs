// @ts-check
/**
 * `npm test`: type check, lint, the Node suites (node:test) and the browser suites
 * (@web/test-runner in headless Chromium). Ends with one line `N passed, N failed` summing
 * every suite; exits non-zero when anything failed or no test ran.
 *
 * Options: `--node-only`, `--browser-only`, `--no-checks`, and any other argument is a
 * file or glob for the Node runner.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findChromium } from './find-chromium.mjs'

const args = process.argv.slice(2)
const flags = new Set(args.filter((a) => a.startsWith('--')))
const files = args.filter((a) => !a.startsWith('--'))
const work = mkdtempSync(join(tmpdir(), 'alternet-test-'))
const totals = { passed: 0, failed: 0, skipped: 0 }
/** @type {string[]} */
const failures = []

/**
 * @param {string} label
 * @param {string} cmd
 * @param {string[]} argv
 * @param {Record<string, string>} [extraEnv]
 */
function step(label, cmd, argv, extraEnv = {}) {
  console.log(`\n── ${label} ──`)
  const started = Date.now()
  const result = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...extraEnv } })
  console.log(
    `── ${label}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  return result.status === 0
}

/** A check (type check, lint) counts as one test. @param {string} label @param {boolean} passed */
function check(label, passed) {
  if (passed) totals.passed++
  else {
    totals.failed++
    failures.push(label)
  }
}

/** @param {string} label @param {string} file @param {boolean} exitedOk */
function addCounts(label, file, exitedOk) {
  let counts = { passed: 0, failed: 0, skipped: 0 }
  if (existsSync(file)) counts = JSON.parse(readFileSync(file, 'utf8') || '{}')
  totals.passed += counts.passed ?? 0
  totals.failed += counts.failed ?? 0
  totals.skipped += counts.skipped ?? 0
  if ((counts.failed ?? 0) > 0) failures.push(`${label}: ${counts.failed} failed`)
  else if (!exitedOk) {
    // The runner failed without a counted test failure (a crash, a file that did not load).
    totals.failed++
    failures.push(`${label}: the runner exited with an error`)
  }
  console.log(
    `${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  )
}

const npx = 'npx'
const nodeOnly = flags.has('--node-only')
const browserOnly = flags.has('--browser-only')

if (!flags.has('--no-checks') && !nodeOnly && !browserOnly) {
  for (const project of ['core', 'node', 'app', 'sw']) {
    check(
      `type check (${project})`,
      step(`type check: tsconfig.${project}.json`, npx, ['tsc', '-p', `tsconfig.${project}.json`]),
    )
  }
  check('lint', step('lint: eslint', npx, ['eslint', '.']))
  check(
    'format',
    step('format: prettier --check', npx, ['prettier', '--check', '--log-level', 'warn', '.']),
  )
}

if (!browserOnly) {
  const countFile = join(work, 'node.json')
  // Browser-only specs (*.browser.spec.ts) run in Chromium, not in Node.
  const targets =
    files.length > 0
      ? files
      : globSync('test/**/*.spec.ts')
          .filter((f) => !f.endsWith('.browser.spec.ts'))
          .sort()
  const ok = step('Node suites (node:test)', process.execPath, [
    '--test',
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./test/support/count-reporter.mjs',
    `--test-reporter-destination=${countFile}`,
    ...targets,
  ])
  addCounts('Node', countFile, ok)
}

if (!nodeOnly && files.length === 0) {
  findChromium()
  const countFile = join(work, 'browser.json')
  const ok = step('Browser suites (@web/test-runner, Chromium)', npx, ['web-test-runner'], {
    WTR_COUNT_FILE: countFile,
  })
  addCounts('Chromium', countFile, ok)
}

rmSync(work, { recursive: true, force: true })
console.log('')
if (failures.length > 0) console.log(`Failed: ${failures.join('; ')}`)
const ranNothing = totals.passed + totals.failed === 0
if (ranNothing) console.log('No test ran.')
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
)
process.exit(totals.failed > 0 || ranNothing ? 1 : 0)
