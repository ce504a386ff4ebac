/**
 * Site content as docs/PROTOCOL.md "Content" specifies it, written from the text for the
 * conformance check: chunking, the manifest's encoding and checks, path normalisation and
 * lookup.
 * @module
 */
import { CidLink, decodeCbor, encodeCbor } from './cbor.ts'
import type { CborValue } from './cbor.ts'
import { RAW, cidBytes, isCidV1 } from './cid.ts'

export const CHUNK_SIZE = 262_144
const MAX_PATH_LENGTH = 1024
const MAX_SEGMENT_LENGTH = 255
const MAX_REQUEST_PATH_CHARS = 3 * MAX_PATH_LENGTH
const MAX_TYPE_LENGTH = 255

/** The binary CIDs of the chunks of `data`: none for an empty file. */
export function chunkCids(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let at = 0; at < data.length; at += CHUNK_SIZE)
    out.push(cidBytes(RAW, data.subarray(at, at + CHUNK_SIZE)))
  return out
}

/** The encoded manifest of files already normalised: path → `{ size, type, chunks }`. */
export function encodeManifest(
  files: Array<{ path: string; size: number; type: string; chunks: Uint8Array[] }>,
): Uint8Array {
  const map = new Map<string, CborValue>()
  for (const f of files)
    map.set(
      f.path,
      new Map<string, CborValue>([
        ['size', BigInt(f.size)],
        ['type', f.type],
        ['chunks', f.chunks.map((c) => new CidLink(c))],
      ]),
    )
  return encodeCbor(
    new Map<string, CborValue>([
      ['v', 1n],
      ['files', map],
    ]),
  )
}

/** The spec's manifest checks; the first problem found, or null. */
export function manifestProblem(bytes: Uint8Array): string | null {
  let value: CborValue
  try {
    value = decodeCbor(bytes)
  } catch {
    return 'not-canonical'
  }
  if (!(value instanceof Map)) return 'not-a-map'
  for (const k of value.keys()) if (k !== 'v' && k !== 'files') return 'unknown-field'
  if (value.get('v') !== 1n) return 'unsupported-version'
  const files = value.get('files')
  if (!(files instanceof Map)) return 'not-a-map'
  const paths = [...files.keys()]
  for (const [path, entry] of files) {
    if (normalizePath(path) !== path) return 'invalid-path'
    if (paths.some((p) => p.startsWith(`${path}/`))) return 'path-conflict'
    if (!(entry instanceof Map)) return 'not-a-map'
    for (const k of entry.keys())
      if (!['size', 'type', 'chunks'].includes(k)) return 'unknown-field'
    const size = entry.get('size')
    const type = entry.get('type')
    const chunks = entry.get('chunks')
    if (typeof size !== 'bigint' || size < 0n) return 'invalid-size'
    if (
      typeof type !== 'string' ||
      type.length < 1 ||
      type.length > MAX_TYPE_LENGTH ||
      !/^[\x21-\x7e][\x20-\x7e]*$/.test(type)
    )
      return 'invalid-type'
    if (!Array.isArray(chunks)) return 'invalid-chunk'
    for (const c of chunks)
      if (!(c instanceof CidLink) || !isCidV1(c.bytes, RAW)) return 'invalid-chunk'
    if (BigInt(chunks.length) !== (size + BigInt(CHUNK_SIZE) - 1n) / BigInt(CHUNK_SIZE))
      return 'chunk-count'
  }
  return null
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const LONE_SURROGATE = /\p{Cs}/u
const bytes = (text: string): number => new TextEncoder().encode(text).length

/** Thrown with the reason of the first rule a path fails. */
export class PathRefusal extends Error {
  readonly reason: string
  constructor(reason: string) {
    super(reason)
    this.reason = reason
  }
}
const refuse = (reason: string): never => {
  throw new PathRefusal(reason)
}

function checkSegments(path: string, allowTrailingSlash: boolean): void {
  const segments = path.slice(1).split('/')
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === '') {
      if (last && allowTrailingSlash) return
      refuse(last ? 'trailing-slash' : 'empty-segment')
    }
    if (segment === '.' || segment === '..') refuse('dot-segment')
    if (bytes(segment) > MAX_SEGMENT_LENGTH) refuse('segment-too-long')
  })
  if (bytes(path) > MAX_PATH_LENGTH) refuse('path-too-long')
}

/** "File paths", steps 1–6. */
export function normalizePath(input: string): string {
  if (input === '' || input === '/') refuse('empty')
  if (LONE_SURROGATE.test(input)) refuse('invalid-utf8')
  if (input.includes('\\')) refuse('backslash')
  if (CONTROL.test(input)) refuse('control-character')
  const path = (input.startsWith('/') ? input : `/${input}`).normalize('NFC')
  checkSegments(path, false)
  return path
}

/** "Request paths", steps 1–9. */
export function normalizeRequestPath(input: string): string {
  if (input === '') refuse('empty')
  if (input.length > MAX_REQUEST_PATH_CHARS) refuse('path-too-long')
  if (!input.startsWith('/')) refuse('not-absolute')
  if (/[?#]/.test(input)) refuse('reserved-character')
  if (LONE_SURROGATE.test(input)) refuse('invalid-utf8')
  if (input.includes('\\')) refuse('backslash')
  if (CONTROL.test(input)) refuse('control-character')
  const out: number[] = []
  for (let i = 0; i < input.length;) {
    if (input[i] === '%') {
      const h = input.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(h)) refuse('invalid-percent-encoding')
      if (/^(2f|5c)$/i.test(h)) refuse('encoded-separator')
      out.push(parseInt(h, 16))
      i += 3
    } else {
      const c = String.fromCodePoint(input.codePointAt(i)!)
      out.push(...new TextEncoder().encode(c))
      i += c.length
    }
  }
  let text = ''
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(out))
  } catch {
    refuse('invalid-utf8')
  }
  if (CONTROL.test(text)) refuse('control-character')
  const path = text.normalize('NFC')
  checkSegments(path, true)
  return path
}

/** "Lookup": what a server answers for the normalised request path `p`. */
export function lookup(
  files: Set<string>,
  p: string,
): { path: string } | { redirect: string } | { notFound: true } {
  if (p.endsWith('/'))
    return files.has(`${p}index.html`) ? { path: `${p}index.html` } : { notFound: true }
  if (files.has(p)) return { path: p }
  if (files.has(`${p}/index.html`))
    return { redirect: `${p.split('/').map(encodeURIComponent).join('/')}/` }
  return { notFound: true }
}
