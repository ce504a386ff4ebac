/**
 * Builds the app with the project's own vite.config.ts (service workers and bridge included)
 * into a temp folder, optionally with extra HTML entries (test harness pages) and a version
 * label. The relay then serves that folder.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The harness page of these tests, as an extra build entry (served at {@link HARNESS_PATH}). */
export const HARNESS_ENTRY = 'test/e2e/support/harness/index.html'

/** Where the harness page is served on the app origin. */
export const HARNESS_PATH = '/test/e2e/support/harness/index.html'

/** Options of {@link buildApp}. */
export interface BuildOptions {
  /** Build into this folder (emptied first); by default a new temp folder. */
  outDir?: string
  /** `ALTERNET_VERSION` for the build: changes the app's and the workers' bytes. */
  version?: string
  /** More HTML entries, paths relative to the repository root. */
  extraEntries?: string[]
}

/** Builds the app; resolves to the output folder. */
export async function buildApp(options: BuildOptions = {}): Promise<string> {
  const outDir = options.outDir ?? (await mkdtemp(join(tmpdir(), 'an-app-')))
  const { build } = await import('vite')
  const previous = process.env.ALTERNET_VERSION
  if (options.version !== undefined) process.env.ALTERNET_VERSION = options.version
  try {
    const input: Record<string, string> = {}
    for (const [i, entry] of (options.extraEntries ?? []).entries())
      input[`extra${i}`] = resolve(REPO_ROOT, entry)
    await build({
      root: REPO_ROOT,
      configFile: join(REPO_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, rollupOptions: { input } },
    })
  } finally {
    if (previous === undefined) delete process.env.ALTERNET_VERSION
    else process.env.ALTERNET_VERSION = previous
  }
  return outDir
}

/** Deletes a build folder. */
export async function removeBuild(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
