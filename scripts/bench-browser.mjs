// @ts-check
/**
 * Runs a benchmark part in headless Chromium: bundles it with esbuild for the browser, serves
 * it from a loopback HTTP server (a secure context, so WebCrypto is there) and relays the rows
 * it reports back to Node.
 */
import { createServer } from 'node:http'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { findChromium } from './find-chromium.mjs'

/** How long one part may run in the browser before it is stopped. */
const BROWSER_PART_TIMEOUT_MS = 10 * 60 * 1000

/**
 * @param {string} file the bench module (exports `run`)
 * @param {(row: import('../bench/types.ts').BenchRow) => void} report
 */
export async function runInChromium(file, report) {
  const bundle = await build({
    stdin: {
      contents: `import { run } from './${file}'; window.__benchRun = run;`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    conditions: ['browser', 'production'],
    logLevel: 'warning',
  })
  const js = bundle.outputFiles[0].text
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      res.end(js)
    } else {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(
        '<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>',
      )
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  try {
    const page = await browser.newPage()
    page.on('pageerror', (error) => console.error(`  page error: ${error.message}`))
    await page.exposeFunction('__benchReport', (/** @type {any} */ row) =>
      report({ ...row, runtime: 'chromium' }),
    )
    await page.goto(`http://127.0.0.1:${port}/`)
    await page.waitForFunction(() => typeof (/** @type {any} */ (window).__benchRun) === 'function')
    page.setDefaultTimeout(BROWSER_PART_TIMEOUT_MS)
    await page.evaluate(() =>
      /** @type {any} */ (window).__benchRun((/** @type {any} */ row) =>
        /** @type {any} */ (window).__benchReport(row),
      ),
    )
  } finally {
    await browser.close()
    server.close()
  }
}
