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

/** The files, by the key of {@link VectorFiles}. */
const FILES = { names: 'names.json', records: 'records.json', content: 'content.json' } as const

const read = (folder: URL, key: keyof VectorFiles): unknown =>
  JSON.parse(readFileSync(new URL(FILES[key], folder), 'utf8'))

/** Reads names.json, records.json and content.json from `folder` (a URL ending in `/`). */
export function readVectorFiles(folder: URL): VectorFiles {
  return {
    names: (read(folder, 'names') as { vectors: NameVector[] }).vectors,
    records: (read(folder, 'records') as { vectors: RecordVector[] }).vectors,
    content: read(folder, 'content') as ContentVectors,
  }
}

/**
 * Every vector that disagrees with the spec, by file and label, with what is wrong; all three
 * files, or only the ones named in `only`.
 */
export function checkVectorFiles(
  folder: URL,
  only: Array<keyof VectorFiles> = ['names', 'records', 'content'],
): Map<string, string[]> {
  const problems = new Map<string, string[]>()
  const note = (label: string, found: string[]): void => {
    if (found.length > 0) problems.set(label, found)
  }
  if (only.includes('names')) {
    const names = (read(folder, 'names') as { vectors: NameVector[] }).vectors
    for (const v of names) note(`names.json: ${JSON.stringify(v.input)}`, checkNameVector(v))
  }
  if (only.includes('records')) {
    const records = (read(folder, 'records') as { vectors: RecordVector[] }).vectors
    for (const v of records) note(`records.json: ${v.description}`, checkRecordVector(v))
  }
  if (only.includes('content')) {
    const content = read(folder, 'content') as ContentVectors
    for (const b of content.blocks) note(`content.json: block ${b.cid}`, checkBlock(b))
    for (const s of content.sites) note(`content.json: site ${s.name}`, checkSite(s))
    for (const p of content.paths)
      note(`content.json: ${p.kind} path ${JSON.stringify(p.input)}`, checkPath(p))
  }
  return problems
}
