/**
 * The error registry (`src/core/errors`) against the code and the protocol: every typed error the
 * browser peer, the store, the site origins and the app can throw has an entry, the statuses are
 * the ones docs/PROTOCOL.md lists, and the words a person reads say what the protocol says
 * happened, in plain words. Node only: it reads the source tree.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import {
  ERROR_REGISTRY,
  UNKNOWN_ERROR,
  errorEntry,
  errorStatus,
} from '../../src/core/errors/index.ts'

const ROOT = join(import.meta.dirname, '..', '..')
/** Where the errors a person can meet are thrown. The relay's own errors are for its operator's log. */
const SOURCE_DIRS = ['src', 'sw']

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
}

const FILES = SOURCE_DIRS.flatMap(sourceFiles)

/** Every class declared under src/ and sw/ whose chain of `extends` reaches `Error`: class → `name`. */
function declaredErrors(): Map<string, { name: string; file: string }> {
  const parents = new Map<string, string>()
  const names = new Map<string, { name: string; file: string }>()
  for (const file of FILES) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const m of text.matchAll(/\bclass\s+(\w+)\s+extends\s+(\w+)\s*\{([^]*?)\n\}/g)) {
      parents.set(m[1], m[2])
      const own = /\boverride\s+(?:readonly\s+)?name\s*=\s*'(\w+)'/.exec(m[3])
      names.set(m[1], { name: own?.[1] ?? m[1], file })
    }
  }
  const isError = (cls: string, seen = new Set<string>()): boolean => {
    if (cls === 'Error' || cls === 'DOMException') return true
    const parent = parents.get(cls)
    if (parent === undefined || seen.has(cls)) return false
    seen.add(cls)
    return isError(parent, seen)
  }
  return new Map([...names].filter(([cls]) => isError(cls)))
}

/** Names the app gives plain errors it raises itself (`namedError('…', …)`). */
function namedErrors(): string[] {
  return FILES.flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/namedError\(\s*'(\w+)'/g)].map(
      (m) => m[1],
    ),
  )
}

/** Errors the platform throws that the code passes on as they are (an aborted signal, a timeout). */
const PLATFORM_ERRORS = ['AbortError', 'TimeoutError']

/** The status table of docs/PROTOCOL.md, "Fetching an an:// URL": error name → status. */
function protocolStatuses(): Map<string, number> {
  const text = readFileSync(join(ROOT, 'docs', 'PROTOCOL.md'), 'utf8')
  const table = new Map<string, number>()
  for (const row of text.matchAll(/^\|\s*(\d{3})\s*\|([^|]*)\|([^|]*)\|\s*$/gm)) {
    for (const name of row[2].matchAll(/`(\w+Error)`/g)) table.set(name[1], Number(row[1]))
  }
  return table
}

/** What a person reads: every word of an entry. */
function wordsOf(name: string): string {
  const { title, explanation, action } = errorEntry(name)
  return `${title}\n${explanation}\n${action}`
}

describe('the error registry', () => {
  it('has an entry for every typed error class under src/ and sw/, named after its class', () => {
    const declared = declaredErrors()
    ok(declared.size >= 50, `the scan finds the error classes (${declared.size})`)
    const missing = [...declared.values()]
      .filter(({ name }) => !Object.hasOwn(ERROR_REGISTRY, name))
      .map(({ name, file }) => `${name} (${file})`)
    deepEqual(missing, [], 'every error class has an entry')
    const misnamed = [...declared].filter(([cls, { name }]) => cls !== name).map(([cls]) => cls)
    deepEqual(misnamed, [], 'each error’s name is its class name')
  })

  it('has an entry for every exported error of every errors.ts module, found by importing them', async () => {
    const modules = FILES.filter((file) => file.endsWith('/errors.ts'))
    ok(modules.length >= 8, `errors.ts modules found: ${modules.join(', ')}`)
    const exported: string[] = []
    for (const file of modules) {
      const module = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>
      for (const value of Object.values(module)) {
        if (typeof value === 'function' && value.prototype instanceof Error)
          exported.push(value.name)
      }
    }
    ok(exported.includes('NameRevokedError') && exported.includes('InvalidNameError'))
    deepEqual(
      exported.filter((name) => !Object.hasOwn(ERROR_REGISTRY, name)),
      [],
      'every exported error has an entry',
    )
    const declared = new Set([...declaredErrors().values()].map((e) => e.name))
    deepEqual(
      exported.filter((name) => !declared.has(name)),
      [],
      'the source scan sees every exported error',
    )
  })

  it('has an entry for the errors the app raises by name and the platform errors passed on', () => {
    const named = namedErrors()
    ok(named.includes('PassphraseMismatchError'), `named errors found: ${named.join(', ')}`)
    deepEqual(
      [...named, ...PLATFORM_ERRORS].filter((name) => !Object.hasOwn(ERROR_REGISTRY, name)),
      [],
    )
  })

  it('gives every error the status docs/PROTOCOL.md lists for fetch, and no status outside 4xx–5xx', () => {
    const table = protocolStatuses()
    ok(table.get('NameRevokedError') === 410, 'the protocol’s status table is read')
    for (const [name, status] of table) equal(errorStatus(name, 500), status, name)
    for (const [name, entry] of Object.entries(ERROR_REGISTRY)) {
      if (entry.status === undefined) continue
      ok(entry.status >= 400 && entry.status <= 599, `${name}: status ${entry.status}`)
    }
    equal(errorStatus('SomethingNew', 500), 500, 'an unknown error takes the caller’s fallback')
  })

  it('words a revoked name as the protocol does: withdrawn by a trusted revoker', () => {
    const protocol = readFileSync(join(ROOT, 'docs', 'PROTOCOL.md'), 'utf8')
    const row = protocol.split('\n').find((line) => line.includes('`NameRevokedError`'))
    ok(row?.includes('trusted revoker'), `the protocol says who revokes: ${row}`)
    const said = errorEntry('NameRevokedError').explanation
    ok(/\brevoker\b/.test(said) && /\btrust/.test(said), `a trusted revoker: ${said}`)
    ok(
      !/registrar|its owner|\bowner revoked/i.test(said),
      `neither a registrar nor the owner: ${said}`,
    )
  })

  it('words a changed key, a missing name and altered bytes as the protocol does', () => {
    ok(/different key/.test(errorEntry('OwnerKeyChangedError').explanation))
    ok(/nobody has published/i.test(errorEntry('NameNotFoundError').explanation))
    ok(
      /do not match what the site’s owner signed/.test(
        errorEntry('BlockVerificationError').explanation,
      ),
    )
    equal(errorEntry('NodeUnavailableError').kind, 'no-host')
  })

  it('words every entry plainly: a title, why and what to do, never an error name or a code', () => {
    const names = Object.keys(ERROR_REGISTRY)
    const jargon = [
      /\b[A-Z][A-Za-z]*Error\b/, // an error class name
      /\bU\+[0-9A-F]{4,}\b/, // a code point
      /\bx-an-/, // a header
      /`/, // code formatting
      /\b\d{3}\b/, // a status code
    ]
    for (const name of [...names, 'SomethingNew']) {
      const entry = errorEntry(name)
      for (const part of ['title', 'explanation', 'action'] as const) {
        ok(entry[part].trim().length > 0, `${name}: ${part} is empty`)
      }
      ok(entry.title.length <= 80, `${name}: a short title`)
      const words = wordsOf(name)
      for (const pattern of jargon) ok(!pattern.test(words), `${name}: ${pattern} in ${words}`)
      for (const other of names) ok(!words.includes(other), `${name} names ${other}`)
    }
    equal(errorEntry('SomethingNew'), UNKNOWN_ERROR)
    equal(errorEntry('toString'), UNKNOWN_ERROR, 'only the registry’s own names count')
  })
})
