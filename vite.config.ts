import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build as esbuild } from 'esbuild'
import { defineConfig, type Plugin } from 'vite'
import { injectManifest } from 'workbox-build'

/** The version label stamped into the app and its service workers: `ALTERNET_VERSION`, else package.json's. */
const VERSION =
  process.env.ALTERNET_VERSION ??
  (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version

/** The shell files the app's service worker precaches (all of the build but the site-origin files). */
const SHELL_GLOBS = ['**/*.{html,js,css,svg,png,ico,webmanifest,woff2,json}']

/**
 * Builds what is not a page: the app-shell service worker (`sw.js`), the site-origin service
 * worker (`__an/site-sw.js`), the bridge and reset scripts (`__an/*.js`), each one
 * self-contained file, then injects workbox precache manifests into both workers (the shell's
 * files into `sw.js`, the bridge page into `__an/site-sw.js`). See docs/ORIGINS.md.
 */
function serviceWorkers(): Plugin {
  let outDir = 'dist'
  let sourcemap = true
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
        bundle('src/bridge/bridge-page.ts', '__an/bridge.js'),
        bundle('src/bridge/reset-page.ts', '__an/reset.js'),
        bundle('sw/site-sw.ts', '__an/site-sw.js'),
        bundle('sw/app-sw.ts', 'sw.js'),
      ])
      const site = await injectManifest({
        swSrc: join(outDir, '__an/site-sw.js'),
        swDest: join(outDir, '__an/site-sw.js'),
        // Relative to the worker's own URL, /__an/.
        globDirectory: join(outDir, '__an'),
        globPatterns: ['bridge.{html,js}'],
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

/** Vite builds the app shell (index.html, src/) into dist/, which the relay serves. */
export default defineConfig({
  root: '.',
  publicDir: 'public',
  define: { __ALTERNET_VERSION__: JSON.stringify(VERSION) },
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
    rollupOptions: { input: { main: resolve('index.html') } },
  },
  plugins: [serviceWorkers()],
  server: {
    host: '127.0.0.1',
  },
})
