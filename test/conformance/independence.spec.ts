/**
 * Keeps the conformance check independent: its files import only Node built-ins and each other,
 * never src/ (nor a package that src/ uses, such as a CBOR or multiformats library), and read
 * only the vector files. Otherwise a bug in the reference implementation could make both the
 * vectors and their check wrong in the same way.
 * @module
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const VECTORS = resolve(HERE, '../vectors')

/** Module specifiers in `text`: static and dynamic imports, re-exports and `require`. */
function specifiers(text: string): string[] {
  const found: string[] = []
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]/g,
  ]
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1])
  return found
}

/** Paths read through `new URL('…', import.meta.url)`. */
const urls = (text: string): string[] =>
  [...text.matchAll(/new URL\(\s*['"`]([^'"`]+)['"`]\s*,\s*import\.meta\.url/g)].map((m) => m[1])

/** What `file` (with contents `text`) uses from outside the check; empty when nothing. */
export function foreignUses(file: string, text: string): string[] {
  const inside = (target: string, root: string): boolean =>
    !relative(root, resolve(dirname(file), target)).startsWith('..')
  const bad = specifiers(text).filter(
    (s) => !s.startsWith('node:') && !(s.startsWith('.') && inside(s, HERE)),
  )
  const reads = urls(text).filter((u) => !inside(u, HERE) && !inside(u, VECTORS))
  return [...bad, ...reads]
}

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(folder, e.name))
      : e.name.endsWith('.ts')
        ? [join(folder, e.name)]
        : [],
  )
}

describe('conformance: independence', () => {
  it('imports only Node built-ins and its own files, and reads only the vectors', () => {
    const files = sources(HERE)
    assert.ok(files.length >= 10, `only ${files.length} files found`)
    for (const file of files) {
      assert.deepEqual(foreignUses(file, readFileSync(file, 'utf8')), [], relative(HERE, file))
    }
  })

  it('would notice an import of src/, of a package, or a read outside the vectors', () => {
    const file = join(HERE, 'lib', 'x.ts')
    // Written with « » for quotes, so that this file's own check does not see them.
    const samples = [
      'import { parseAddress } from «../../../src/core/names/index.ts»',
      'import * as dagCbor from «@ipld/dag-cbor»',
      'import type { CID } from «multiformats/cid»',
      'export { verify } from «../../../src/core/crypto/ed25519.ts»',
      'const m = await import(«../../../src/core/records/index.ts»)',
      'readFileSync(new URL(«../../../src/core/names/constants.ts», import.meta.url))',
    ].map((text) => text.replace(/[«»]/g, "'"))
    for (const sample of samples) assert.equal(foreignUses(file, sample).length, 1, sample)
    const fine = 'import { x } from «./cbor.ts»\nimport «node:fs»'.replace(/[«»]/g, "'")
    assert.deepEqual(foreignUses(file, fine), [])
  })
})
