/**
 * Checks test/vectors/content.json against the spec's rules (lib/content.ts, lib/cid.ts):
 * every block CID, every chunk CID, every manifest byte and CID rebuilt from the files and
 * types, the manifest checks, every lookup and every path case.
 * @module
 */
import { cidOf, cidText, DAG_CBOR, hex, RAW, unhex } from './cid.ts'
import {
  chunkCids,
  encodeManifest,
  lookup,
  manifestProblem,
  normalizePath,
  normalizeRequestPath,
  PathRefusal,
} from './content.ts'

/** test/vectors/content.json, as docs/PROTOCOL.md describes it. */
export interface ContentVectors {
  blocks: Array<{ data: string; cid: string }>
  sites: Array<{
    name: string
    files: Record<string, string>
    types: Record<string, string>
    chunks: Record<string, string[]>
    manifest: string
    manifestCid: string
    lookups: Array<{ request: string; path?: string; redirect?: string; notFound?: boolean }>
  }>
  paths: Array<{ kind: 'file' | 'request'; input: string; output?: string; error?: string }>
}

/** The output of normalising `input`, or `{ error }` with the reason. */
function normalise(
  kind: 'file' | 'request',
  input: string,
): { output: string } | { error: string } {
  try {
    return { output: kind === 'file' ? normalizePath(input) : normalizeRequestPath(input) }
  } catch (error) {
    if (error instanceof PathRefusal) return { error: error.reason }
    throw error
  }
}

/** What is wrong with the block vector; empty when it agrees with the spec. */
export function checkBlock(block: ContentVectors['blocks'][number]): string[] {
  const cid = cidOf(RAW, unhex(block.data))
  return cid === block.cid
    ? []
    : [
        `block of ${block.data.length / 2} bytes: the spec gives ${cid}, the vector says ${block.cid}`,
      ]
}

/** What is wrong with the site vector; empty when it agrees with the spec. */
export function checkSite(site: ContentVectors['sites'][number]): string[] {
  const problems: string[] = []
  const entries = Object.entries(site.files).map(([path, data]) => {
    const bytes = unhex(data)
    const chunks = chunkCids(bytes)
    const texts = chunks.map(cidText)
    if (JSON.stringify(texts) !== JSON.stringify(site.chunks[path]))
      problems.push(`chunks of ${path}: the spec gives ${texts.join(', ')}`)
    return { path: normalizePath(path), size: bytes.length, type: site.types[path], chunks }
  })
  const manifest = encodeManifest(entries)
  if (hex(manifest) !== site.manifest) problems.push('manifest bytes differ from the spec encoding')
  const manifestCid = cidOf(DAG_CBOR, unhex(site.manifest))
  if (manifestCid !== site.manifestCid)
    problems.push(`manifestCid: the spec gives ${manifestCid}, the vector says ${site.manifestCid}`)
  const problem = manifestProblem(unhex(site.manifest))
  if (problem !== null) problems.push(`the manifest fails the spec's checks: ${problem}`)
  const paths = new Set(entries.map((e) => e.path))
  for (const l of site.lookups) {
    const normalised = normalise('request', l.request)
    const got = 'error' in normalised ? normalised : lookup(paths, normalised.output)
    const { request: _, ...want } = l
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(
        `lookup ${l.request}: the spec gives ${JSON.stringify(got)}, the vector says ${JSON.stringify(want)}`,
      )
  }
  return problems
}

/** What is wrong with the path case; empty when it agrees with the spec. */
export function checkPath(p: ContentVectors['paths'][number]): string[] {
  const got = normalise(p.kind, p.input)
  const want = p.error === undefined ? { output: p.output } : { error: p.error }
  return JSON.stringify(got) === JSON.stringify(want)
    ? []
    : [
        `${p.kind} path ${JSON.stringify(p.input).slice(0, 40)}: the spec gives ${JSON.stringify(got)}, the vector says ${JSON.stringify(want)}`,
      ]
}
