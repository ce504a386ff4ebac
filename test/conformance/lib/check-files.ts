/**
 * Reads the three vector files from a folder and checks every vector in them against the spec's
 * rules: the whole conformance check as one function, so a corrupted copy can be checked too.
 * @module
 */
import { readFileSync } from 'node:fs'
import { checkBlock, checkPath, checkSite } from './check-content.ts'
import type { ContentVectors } from './check-content.ts'
import { checkNameVector } from './check-names.ts'
import type { NameVector } from './check-names.ts'
import { checkRecordVector } from './check-records.ts'
import type { RecordVector } from './check-records.ts'

/** The vector files of one folder, parsed. */
export interface VectorFiles {
  names: NameVector[]
  records: RecordVector[]
  content: ContentVectors
}

/** Reads names.json, records.json and content.json from `folder` (a URL ending in `/`). */
export function readVectorFiles(folder: URL): VectorFiles {
  const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, folder), 'utf8'))
  return {
    names: (read('names.json') as { vectors: NameVector[] }).vectors,
    records: (read('records.json') as { vectors: RecordVector[] }).vectors,
    content: read('content.json') as ContentVectors,
  }
}

/** Every vector that disagrees with the spec, by file and label, with what is wrong. */
export function checkVectorFiles(folder: URL): Map<string, string[]> {
  const files = readVectorFiles(folder)
  const problems = new Map<string, string[]>()
  const note = (label: string, found: string[]): void => {
    if (found.length > 0) problems.set(label, found)
  }
  for (const v of files.names) note(`names.json: ${JSON.stringify(v.input)}`, checkNameVector(v))
  for (const v of files.records) note(`records.json: ${v.description}`, checkRecordVector(v))
  for (const b of files.content.blocks) note(`content.json: block ${b.cid}`, checkBlock(b))
  for (const s of files.content.sites) note(`content.json: site ${s.name}`, checkSite(s))
  for (const p of files.content.paths)
    note(`content.json: ${p.kind} path ${JSON.stringify(p.input)}`, checkPath(p))
  return problems
}
