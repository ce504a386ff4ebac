/**
 * Builds the peer harness page with Vite's JS API into a temp folder (the hash worker is
 * bundled from its `new URL(..., import.meta.url)`), for a relay to serve with `--app-dir`.
 * The project's vite.config.ts is not used: this is a page of its own.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The harness page, relative to the repository root. */
export const HARNESS_ENTRY = 'test/e2e/peer-support/harness.html'
/** Where the relay serves the harness page. */
export const HARNESS_PATH = `/${HARNESS_ENTRY}`

/** Builds the harness; resolves to the output folder. */
export async function buildHarness(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'an-peer-harness-'))
  const { build } = await import('vite')
  await build({
    root: REPO_ROOT,
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
      rollupOptions: { input: { harness: join(REPO_ROOT, HARNESS_ENTRY) } },
    },
    worker: { format: 'es' },
  })
  return outDir
}

/** Deletes a build folder. */
export async function removeBuild(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
