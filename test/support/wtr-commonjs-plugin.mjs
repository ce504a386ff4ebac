// @ts-check
/**
 * A @web/test-runner plugin that serves the few CommonJS packages in libp2p's browser graph
 * (`netmask`, `eventemitter3`, `hashlru`, gossipsub's `denque`, the page's WebAssembly Noise
 * cipher `@chainsafe/as-chacha20poly1305`) as ES modules, so browser specs can import libp2p
 * without a bundler. Each file is bundled once by esbuild behind a small entry that re-exports
 * the names the CommonJS module really exports (read by loading it in Node).
 * @module
 */
import { createRequire } from 'node:module'
import { join, sep } from 'node:path'
import { build } from 'esbuild'

/** Packages whose files are CommonJS: their `/node_modules/<name>/` paths are converted. */
export const COMMONJS_PACKAGES = [
  'netmask',
  'eventemitter3',
  'hashlru',
  'denque',
  '@chainsafe/as-chacha20poly1305',
]

/** A valid JavaScript identifier (names that are not cannot be re-exported by name). */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * @param {{ rootDir?: string, packages?: string[] }} [options]
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function commonjsPlugin(options = {}) {
  const rootDir = options.rootDir ?? process.cwd()
  const packages = options.packages ?? COMMONJS_PACKAGES
  const pattern = new RegExp(
    `/node_modules/(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})/.+\\.c?js$`,
  )
  /** @type {Map<string, Promise<string>>} */
  const cache = new Map()
  const require = createRequire(join(rootDir, 'package.json'))

  /** @param {string} file */
  const convert = async (file) => {
    const mod = require(file)
    const names =
      mod != null && (typeof mod === 'object' || typeof mod === 'function')
        ? Object.keys(mod).filter((k) => IDENTIFIER.test(k) && k !== 'default')
        : []
    const entry = [
      `const mod = require(${JSON.stringify(file)})`,
      'export default mod',
      ...names.map((n) => `export const ${n} = mod[${JSON.stringify(n)}]`),
    ].join('\n')
    const result = await build({
      stdin: { contents: entry, resolveDir: rootDir, sourcefile: `${file}.esm.js`, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    })
    return result.outputFiles[0].text
  }

  return {
    name: 'alternet-commonjs',
    async serve(context) {
      if (!pattern.test(context.path)) return undefined
      const file = join(rootDir, ...decodeURIComponent(context.path).split('/').filter(Boolean))
        .split('/')
        .join(sep)
      let body = cache.get(file)
      if (body === undefined) {
        body = convert(file)
        cache.set(file, body)
      }
      return { body: await body, type: 'js' }
    },
  }
}
