/**
 * The conformance check catches drift: copies of the vector files, each corrupted in one way
 * (including the ways the vectors were once wrong), are refused at exactly the corrupted vector.
 * @module
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ContentVectors } from './lib/check-content.ts'
import { checkVectorFiles, readVectorFiles } from './lib/check-files.ts'
import type { NameVector } from './lib/check-names.ts'
import type { RecordVector } from './lib/check-records.ts'

const VECTORS = new URL('../vectors/', import.meta.url)
const work = mkdtempSync(join(tmpdir(), 'alternet-vectors-'))
after(() => rmSync(work, { recursive: true, force: true }))
const original = readVectorFiles(VECTORS)

let copies = 0
/** A fresh copy of the vector files with `change` applied to the JSON of `file`; its URL. */
function corrupted<T>(file: string, change: (json: T) => void): URL {
  const folder = join(work, String(copies++))
  cpSync(VECTORS, folder, { recursive: true })
  const path = join(folder, file)
  const json = JSON.parse(readFileSync(path, 'utf8')) as T
  change(json)
  writeFileSync(path, JSON.stringify(json))
  return pathToFileURL(`${folder}/`)
}
const records = (change: (vectors: RecordVector[]) => void): URL =>
  corrupted<{ vectors: RecordVector[] }>('records.json', (json) => change(json.vectors))
const names = (change: (vectors: NameVector[]) => void): URL =>
  corrupted<{ vectors: NameVector[] }>('names.json', (json) => change(json.vectors))
const content = (change: (json: ContentVectors) => void): URL =>
  corrupted<ContentVectors>('content.json', change)

function byDescription(vectors: RecordVector[], description: string): RecordVector {
  const found = vectors.find((v) => v.description === description)
  assert.ok(found, description)
  return found
}
function byInput(vectors: NameVector[], input: string): NameVector {
  const found = vectors.find((v) => v.input === input)
  assert.ok(found, input)
  return found
}
/** `hex` with its nibble at `at` changed. */
const flip = (hex: string, at: number): string =>
  hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)

/** Asserts the check refuses exactly `label` in the corrupted copy (only its file is checked). */
function refusesOnly(folder: URL, label: string): void {
  const file = label.slice(0, label.indexOf('.json')) as 'names' | 'records' | 'content'
  const problems = checkVectorFiles(folder, [file])
  assert.deepEqual([...problems.keys()], [label], JSON.stringify([...problems], null, 1))
}

describe('conformance: corrupted vectors are caught', () => {
  it('passes an untouched copy', () => {
    assert.deepEqual([...checkVectorFiles(names(() => {})).keys()], [])
  })

  it('a "63-byte signature" vector carrying a 64-byte signature (as the file once did)', () => {
    const folder = records((json) => {
      const base = byDescription(json, 'root record, fewest fields')
      byDescription(json, 'refuses a 63-byte signature').signature = base.signature
    })
    refusesOnly(folder, 'records.json: refuses a 63-byte signature')
  })

  it("a record signed by another key carrying the signer's key, not the owner's (as once)", () => {
    const folder = records((json) => {
      const other = byDescription(json, 'refuses a subdomain record signed by an unauthorised key')
      byDescription(json, 'refuses a record signed by another key than its owner').publicKey =
        other.publicKey
    })
    refusesOnly(folder, 'records.json: refuses a record signed by another key than its owner')
  })

  it('a body altered after signing that carries the untouched signed bytes (as once)', () => {
    const folder = records((json) => {
      const base = byDescription(json, 'root record, fewest fields')
      byDescription(json, 'refuses a body altered after signing (seq raised)').signedBytes =
        base.signedBytes
    })
    refusesOnly(folder, 'records.json: refuses a body altered after signing (seq raised)')
  })

  it('a valid record with one flipped bit in its signature', () => {
    const folder = records((json) => {
      const v = byDescription(json, 'A record signed by a delegate of the root key')
      v.record = flip(v.record, 20)
      v.signature = flip(v.signature, 10)
    })
    refusesOnly(folder, 'records.json: A record signed by a delegate of the root key')
  })

  it('a refusal given the wrong error name', () => {
    const folder = records((json) => {
      byDescription(json, 'refuses version 2 (signed)').error = 'InvalidNameError'
    })
    refusesOnly(folder, 'records.json: refuses version 2 (signed)')
  })

  it('a name too long to serve marked valid without an origin label (as the file once did)', () => {
    const input = `${'a'.repeat(58)}:code`
    const folder = names((json) => {
      Object.assign(byInput(json, input), {
        valid: true,
        error: null,
        reason: null,
        canonical: `an://${input}/`,
        name: 'a'.repeat(58),
        topic: 'code',
        subdomains: [],
        path: '/',
        originLabel: null,
      })
    })
    refusesOnly(folder, `names.json: ${JSON.stringify(input)}`)
  })

  it('a wrong origin label, and a wrong canonical form', () => {
    let folder = names((json) => {
      byInput(json, 'xn:code').originLabel = 'xn--code'
    })
    refusesOnly(folder, 'names.json: "xn:code"')
    folder = names((json) => {
      byInput(json, 'ΣΑΣ:code').canonical = 'an://xn--mxa8aa:code/'
    })
    refusesOnly(folder, 'names.json: "ΣΑΣ:code"')
  })

  it('a block whose data no longer hashes to its CID', () => {
    const folder = content((json) => {
      json.blocks[2].data = flip(json.blocks[2].data, 3)
    })
    refusesOnly(folder, `content.json: block ${original.content.blocks[2].cid}`)
  })

  it('a manifest with one byte changed, and a wrong lookup', () => {
    let folder = content((json) => {
      json.sites[0].manifest = flip(json.sites[0].manifest, 7)
    })
    refusesOnly(folder, 'content.json: site one page')
    folder = content((json) => {
      const site = json.sites[1]
      const lookup = site.lookups.find((l) => l.request === '/docs')
      assert.ok(lookup)
      lookup.redirect = '/docs/index.html'
    })
    refusesOnly(folder, `content.json: site ${original.content.sites[1].name}`)
  })
})
