import { readFileSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { build as esbuild } from 'esbuild'
import { defineConfig, type Plugin } from 'vite'
import { injectManifest } from 'workbox-build'
import { APP_CSP, APP_DOCUMENT_HEADERS } from './src/origins/shared/security-headers.ts'

/** The version label stamped into the app and its service workers: `ALTERNET_VERSION`, else package.json's. */
const VERSION =
  process.env.ALTERNET_VERSION ??
  (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version

/** The shell files the app's service worker precaches (all of the build but the site-origin files). */
const SHELL_GLOBS = ['**/*.{html,js,css,svg,png,ico,webmanifest,woff2,json}']

/** The bridge page's script tag in public/__an/bridge.html, which the build replaces by the script itself. */
const BRIDGE_SCRIPT_TAG = '<script src="/__an/bridge.js"></script>'

/**
 * Puts the bridge page's script (`__an/bridge.js`, built) into `__an/bridge.html` and removes the
 * file: the bridge, on every first visit of a site, then loads with one request instead of two.
 * The relay's CSP lets it run by its hash (relay-node/src/inline-script-policy.ts).
 */
async function inlineBridgeScript(outDir: string): Promise<void> {
  const page = join(outDir, '__an/bridge.html')
  const script = join(outDir, '__an/bridge.js')
  const [html, code] = await Promise.all([readFile(page, 'utf8'), readFile(script, 'utf8')])
  if (!html.includes(BRIDGE_SCRIPT_TAG)) throw new Error(`bridge.html has no ${BRIDGE_SCRIPT_TAG}`)
  if (/<\/script/i.test(code)) throw new Error('bridge.js holds "</script": it cannot be inlined')
  await writeFile(
    page,
    html.replace(BRIDGE_SCRIPT_TAG, () => `<script>${code.trim()}</script>`),
  )
  await rm(script)
  await rm(`${script}.map`, { force: true })
}

/**
 * Builds what is not a page: the app-shell service worker (`sw.js`), the site-origin service
 * worker (`__an/site-sw.js`), the bridge, reset and clear scripts (`__an/*.js`), each one
 * self-contained file (the bridge's then inlined into its page), then injects workbox precache manifests into both workers (the shell's
 * files into `sw.js`, the bridge page into `__an/site-sw.js`). See docs/ORIGINS.md.
 */
function serviceWorkers(): Plugin {
  let outDir = 'dist'
  let sourcemap = false
  return {
    name: 'alternet-service-workers',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
      sourcemap = Boolean(config.build.sourcemap)
    },
    async closeBundle() {
      const bundle = (entry: string, outfile: string) =>
        esbuild({
          entryPoints: [entry],
          outfile: join(outDir, outfile),
          bundle: true,
          format: 'iife',
          target: 'es2022',
          minify: true,
          sourcemap,
          legalComments: 'none',
          logLevel: 'warning',
          define: {
            'process.env.NODE_ENV': '"production"',
            __ALTERNET_VERSION__: JSON.stringify(VERSION),
          },
        })
      await Promise.all([
        bundle('src/origins/site/bridge-page.ts', '__an/bridge.js'),
        bundle('src/origins/site/reset-page.ts', '__an/reset.js'),
        bundle('src/origins/site/clear-page.ts', '__an/clear.js'),
        bundle('sw/site-sw.ts', '__an/site-sw.js'),
        bundle('sw/app-sw.ts', 'sw.js'),
      ])
      await inlineBridgeScript(outDir)
      const site = await injectManifest({
        swSrc: join(outDir, '__an/site-sw.js'),
        swDest: join(outDir, '__an/site-sw.js'),
        // Relative to the worker's own URL, /__an/.
        globDirectory: join(outDir, '__an'),
        globPatterns: ['bridge.html'],
      })
      const shell = await injectManifest({
        swSrc: join(outDir, 'sw.js'),
        swDest: join(outDir, 'sw.js'),
        globDirectory: outDir,
        globPatterns: SHELL_GLOBS,
        globIgnores: ['__an/**', 'sw.js', '**/*.map'],
        dontCacheBustURLsMatching: /^assets\//,
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      })
      for (const warning of [...site.warnings, ...shell.warnings]) this.warn(warning)
    },
  }
}

/**
 * Puts the app's CSP into index.html as a `<meta>` too, so a copy of `dist/` served by any
 * static host keeps it (`frame-ancestors` only works as a header, so it is left out there).
 */
function contentSecurityPolicy(): Plugin {
  const policy = APP_CSP.split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ')
  return {
    name: 'alternet-csp',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: policy },
        injectTo: 'head-prepend',
      },
    ],
  }
}

/**
 * Keeps two things out of the app's bundle: kad-dht's 48 KiB (gzip) table of refresh keys,
 * swapped for a 2 KiB one (src/net/node/kad-refresh-prefixes.ts says what it gives up), and a
 * second Noise: `@libp2p/webrtc` and `@libp2p/webtransport` import `@libp2p/noise`, the same
 * code as the app's `@chainsafe/libp2p-noise` under its new name, so they get the app's.
 */
function lighterLibp2p(): Plugin {
  return {
    name: 'alternet-lighter-libp2p',
    enforce: 'pre',
    resolveId(source, importer) {
      if (
        source === './generated-prefix-list.js' &&
        importer?.includes('/@libp2p/kad-dht/') === true
      )
        return resolve('src/net/node/kad-refresh-prefixes.ts')
      if (source === '@libp2p/noise')
        return this.resolve('@chainsafe/libp2p-noise', importer, { skipSelf: true })
      return null
    },
  }
}

/** Vite builds the app shell (index.html, src/) into dist/, which the relay serves. */
export default defineConfig({
  root: '.',
  publicDir: 'public',
  define: { __ALTERNET_VERSION__: JSON.stringify(VERSION) },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // Source maps are not shipped: they would publish the app's source beside it for nothing.
    sourcemap: false,
    emptyOutDir: true,
    rollupOptions: { input: { main: resolve('index.html') } },
  },
  plugins: [lighterLibp2p(), contentSecurityPolicy(), serviceWorkers()],
  // The same document headers as the relay sends (src/origins/shared/security-headers.ts).
  server: {
    host: '127.0.0.1',
    headers: { ...APP_DOCUMENT_HEADERS },
  },
  preview: {
    headers: { ...APP_DOCUMENT_HEADERS },
  },
})
