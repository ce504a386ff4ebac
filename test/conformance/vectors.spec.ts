/**
 * The conformance check: every vector in test/vectors/ agrees with docs/PROTOCOL.md, checked by
 * an implementation of the spec's rules written for this purpose (test/conformance/lib/), with
 * Node's own crypto for Ed25519 and SHA-256 and CIDs, CBOR, Punycode and names from scratch.
 * Nothing here imports src/ (see independence.spec.ts), so the vectors cannot drift from what an
 * outside implementation computes while the reference implementation drifts with them.
 * @module
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkBlock, checkPath, checkSite } from './lib/check-content.ts'
import { readVectorFiles } from './lib/check-files.ts'
import { checkNameVector } from './lib/check-names.ts'
import { checkRecordVector } from './lib/check-records.ts'

const files = readVectorFiles(new URL('../vectors/', import.meta.url))

describe('conformance: names.json', () => {
  it('has valid and invalid vectors, and an origin label for every valid one', () => {
    assert.ok(files.names.some((v) => v.valid) && files.names.some((v) => !v.valid))
    for (const v of files.names) if (v.valid) assert.notEqual(v.originLabel, null, v.input)
  })
  for (const v of files.names) {
    it(`${v.valid ? 'accepts' : `refuses (${v.reason})`} ${JSON.stringify(v.input).slice(0, 60)}`, () => {
      assert.deepEqual(checkNameVector(v), [])
    })
  }
})

describe('conformance: records.json', () => {
  it('has valid vectors and refusals for signature and other reasons', () => {
    assert.ok(files.records.some((v) => v.valid))
    assert.ok(files.records.some((v) => v.error === 'InvalidSignatureError'))
    assert.ok(files.records.some((v) => v.error === 'MalformedRecordError'))
  })
  for (const v of files.records) {
    it(`vector: ${v.description}`, () => {
      assert.deepEqual(checkRecordVector(v), [])
    })
  }
})

describe('conformance: content.json', () => {
  for (const b of files.content.blocks) {
    it(`block ${b.cid}`, () => assert.deepEqual(checkBlock(b), []))
  }
  for (const s of files.content.sites) {
    it(`site: ${s.name}`, () => assert.deepEqual(checkSite(s), []))
  }
  it('every path case', () => {
    assert.ok(files.content.paths.length > 0)
    assert.deepEqual(files.content.paths.flatMap(checkPath), [])
  })
})
