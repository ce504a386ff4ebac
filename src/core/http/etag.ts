/**
 * Entity tags of files: a strong validator derived from the file's chunk CIDs, so that every
 * peer serving the same file gives the same ETag. See docs/PROTOCOL.md, "ETag".
 * @module
 */
import { base32 } from 'multiformats/bases/base32'
import { sha256Digest } from '../crypto/sha256.ts'
import type { FileEntry } from '../content/index.ts'

const cache = new WeakMap<FileEntry, string>()

/**
 * The ETag of a file: `"` + base32 multibase (prefix `b`) of sha2-256 over the concatenated
 * binary CIDs of its chunks + `"`. An empty file hashes the empty string.
 */
export async function etagOf(entry: FileEntry): Promise<string> {
  const known = cache.get(entry)
  if (known !== undefined) return known
  const parts = entry.chunks.map((cid) => cid.bytes)
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    all.set(part, offset)
    offset += part.length
  }
  const etag = `"${base32.encode(await sha256Digest(all))}"`
  cache.set(entry, etag)
  return etag
}

/**
 * True when an `If-None-Match` header value names `etag`: `*`, or a comma-separated list of
 * entity tags compared weakly (RFC 9110, 13.1.2: a `W/` prefix is ignored).
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  const value = header.trim()
  if (value === '*') return true
  for (const raw of value.split(',')) {
    const tag = raw.trim().replace(/^W\//, '')
    if (tag === etag) return true
  }
  return false
}
