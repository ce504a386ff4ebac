// @ts-check
/**
 * @web/test-runner: the browser half of `npm test`. Runs the runtime-neutral core specs and the
 * browser-only specs in real headless Chromium (Debian's, or CHROME_PATH).
 */
import { existsSync, writeFileSync } from 'node:fs'
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { chromeLauncher } from '@web/test-runner-chrome'
import { defaultReporter } from '@web/test-runner'
import { findChromium } from './scripts/find-chromium.mjs'
import { commonjsPlugin } from './test/support/wtr-commonjs-plugin.mjs'
import { relaysPlugin } from './test/support/wtr-relays-plugin.mjs'

const chromePath = findChromium()

/**
 * Writes `{ passed, failed, skipped }` to WTR_COUNT_FILE so scripts/test.mjs can sum every suite.
 * @returns {import('@web/test-runner').Reporter}
 */
function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 }
      /** @param {any} suite */
      const walk = (suite) => {
        for (const test of suite?.tests ?? []) {
          if (test.skipped) counts.skipped++
          else if (test.passed) counts.passed++
          else counts.failed++
        }
        for (const child of suite?.suites ?? []) walk(child)
      }
      for (const session of sessions) {
        walk(session.testResults)
        // A file that failed to load has no results but errors: count it as a failure.
        if (
          !session.passed &&
          (session.testResults?.tests?.length ?? 0) === 0 &&
          (session.testResults?.suites?.length ?? 0) === 0
        ) {
          counts.failed++
        }
      }
      if (process.env.WTR_COUNT_FILE)
        writeFileSync(process.env.WTR_COUNT_FILE, JSON.stringify(counts))
    },
  }
}

export default {
  files: ['test/core/**/*.spec.ts', 'test/**/*.browser.spec.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  // Relays start on the first request for /__relays/list, so specs that never ask stay fast.
  plugins: [
    esbuildPlugin({ ts: true, json: true, target: 'es2022' }),
    commonjsPlugin(),
    relaysPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 120000 } },
  testsFinishTimeout: 20 * 60 * 1000,
  reporters: [defaultReporter(), countReporter()],
  rootDir: '.',
  preserveSymlinks: existsSync('node_modules') ? undefined : true,
}
