/**
 * The app's text files (scripts, styles, pages, JSON, SVG, WebAssembly) sent compressed to a
 * browser that accepts it: Brotli when it is accepted, else gzip. The app's peer code alone is
 * over half a megabyte as written and a fifth of that compressed, which is most of the time a
 * first visit waits on a real network. Each file is compressed once per version (its ETag) and
 * kept in memory, up to `MAX_COMPRESSED_BYTES` in all, least recently sent going first; requests
 * arriving while it is being compressed share that work. Compression runs on libuv's thread
 * pool, never on the relay's event loop.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlib, gzip } from 'node:zlib'

/** An encoding the relay sends. */
export type ContentEncoding = 'br' | 'gzip'

/** Files smaller than this are sent as they are: compressing saves less than it costs. */
export const MIN_COMPRESSED_FILE = 1024
/** Files larger than this are sent as they are (the app has none; a stray file is not held in memory). */
export const MAX_COMPRESSED_FILE = 8 * 1024 * 1024
/** Compressed bytes kept in memory, all files together. */
export const MAX_COMPRESSED_BYTES = 32 * 1024 * 1024

const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm)|image\/svg\+xml)/

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/** Whether a file of media type `type` and `size` bytes is worth compressing. */
export function compressible(type: string, size: number): boolean {
  return size >= MIN_COMPRESSED_FILE && size <= MAX_COMPRESSED_FILE && COMPRESSIBLE.test(type)
}

/**
 * The encoding to send for an `Accept-Encoding` header: `br` when accepted, else `gzip`, else
 * none. An encoding given `q=0` is refused; `*` accepts both.
 */
export function chooseEncoding(accept: string | string[] | undefined): ContentEncoding | undefined {
  const header = Array.isArray(accept) ? accept.join(',') : (accept ?? '')
  const weights = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (name === '') continue
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
    weights.set(name, q === undefined ? 1 : Number(q))
  }
  const accepted = (name: ContentEncoding): boolean =>
    (weights.get(name) ?? weights.get('*') ?? 0) > 0
  if (accepted('br')) return 'br'
  if (accepted('gzip')) return 'gzip'
  return undefined
}

/** Compressed copies of files, by path, version and encoding. */
export class CompressedFiles {
  private readonly kept = new Map<string, Promise<Uint8Array>>()
  private readonly sizes = new Map<string, number>()
  private bytes = 0

  private readonly maxBytes: number

  constructor(maxBytes = MAX_COMPRESSED_BYTES) {
    this.maxBytes = maxBytes
  }

  /** Compressed bytes held now. */
  get heldBytes(): number {
    return this.bytes
  }

  /** `file` (at version `etag`) compressed with `encoding`; rejects when it cannot be read. */
  async get(file: string, etag: string, encoding: ContentEncoding): Promise<Uint8Array> {
    const key = `${encoding}\u0000${etag}\u0000${file}`
    const held = this.kept.get(key)
    if (held !== undefined) {
      this.kept.delete(key)
      this.kept.set(key, held)
      return held
    }
    const made = compress(file, encoding)
    this.kept.set(key, made)
    try {
      const bytes = await made
      if (this.kept.get(key) === made) this.account(key, bytes.byteLength)
      return bytes
    } catch (err) {
      if (this.kept.get(key) === made) this.kept.delete(key)
      throw err
    }
  }

  private account(key: string, size: number): void {
    this.sizes.set(key, size)
    this.bytes += size
    for (const old of this.kept.keys()) {
      if (this.bytes <= this.maxBytes) break
      const oldSize = this.sizes.get(old)
      if (oldSize === undefined) continue
      this.kept.delete(old)
      this.sizes.delete(old)
      this.bytes -= oldSize
    }
  }
}

async function compress(file: string, encoding: ContentEncoding): Promise<Uint8Array> {
  const bytes = await readFile(file)
  return encoding === 'br'
    ? brotli(bytes, {
        params: {
          [zlib.BROTLI_PARAM_QUALITY]: 9,
          [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
        },
      })
    : gzipAsync(bytes, { level: 9 })
}
