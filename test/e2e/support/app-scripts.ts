/**
 * The JavaScript of a built app, as a browser loads it: the scripts `index.html` loads before the
 * app's first screen (its module script, the chunks that script imports statically, transitively,
 * and whatever it preloads), and the gzip size of any set of the build's files. The app bench and
 * the first-screen budget spec read the build through this.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

/** Sizes of a set of files, in bytes. */
export interface ScriptSizes {
  /** Uncompressed. */
  raw: number
  /** Each file gzipped at level 9, summed (what a server compressing each file would send). */
  gzip: number
}

/** `<script type="module" src>` and `<link rel="modulepreload" href>` in an HTML page. */
const PAGE_SCRIPT = /<(?:script\b[^>]*\bsrc|link\b[^>]*\brel="modulepreload"[^>]*\bhref)="([^"]+)"/g

/**
 * A static import statement of a relative `.js` chunk in a minified ES module:
 * `import{a as b}from"./x.js"`, `import*as c from"./y.js"`, `import d from"./z.js"`,
 * `import"./w.js"`; not a dynamic `import("./v.js")`.
 */
const STATIC_IMPORT =
  /\bimport\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s*[\w$]+)?\s*(?:from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g

/** Build-relative path (no leading slash) of `specifier` as imported from `from` (a build-relative path). */
function resolveIn(from: string, specifier: string): string {
  return new URL(specifier, `http://build/${from}`).pathname.slice(1)
}

/**
 * The scripts loaded before the first screen of the page `page` (build-relative, default
 * `index.html`) of the build in `appDir`: its module scripts and preloads, and every chunk they
 * import statically, transitively. Sorted, build-relative paths.
 */
export async function firstScreenScripts(appDir: string, page = 'index.html'): Promise<string[]> {
  const html = await readFile(join(appDir, page), 'utf8')
  const found = new Set<string>()
  const queue = [...html.matchAll(PAGE_SCRIPT)]
    .map((m) => resolveIn(page, m[1]))
    .filter((path) => path.endsWith('.js'))
  while (queue.length > 0) {
    const path = queue.pop()!
    if (found.has(path)) continue
    found.add(path)
    const code = await readFile(join(appDir, path), 'utf8')
    for (const m of code.matchAll(STATIC_IMPORT)) queue.push(resolveIn(path, m[1]))
  }
  return [...found].sort()
}

/** The sizes of `paths` (build-relative) in the build in `appDir`. */
export async function scriptSizes(appDir: string, paths: readonly string[]): Promise<ScriptSizes> {
  let raw = 0
  let gzip = 0
  for (const path of paths) {
    const bytes = await readFile(join(appDir, path))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { raw, gzip }
}
