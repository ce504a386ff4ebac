// @ts-check
/** Locates the Chromium used by the browser tests and benchmarks: CHROME_PATH, else Debian's. */
import { existsSync } from 'node:fs'

/** Where we look, in order, after CHROME_PATH. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
]

/**
 * The path of a Chromium binary, or exits with a clear message when there is none.
 * @returns {string}
 */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    console.error(`CHROME_PATH is set to ${fromEnv}, but no file is there.`)
    process.exit(1)
  }
  for (const candidate of CANDIDATES) if (existsSync(candidate)) return candidate
  console.error(
    'No Chromium found for the browser tests. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) ' +
      'or point CHROME_PATH at a Chromium or Chrome binary.',
  )
  process.exit(1)
}
