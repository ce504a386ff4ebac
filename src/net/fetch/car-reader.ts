/**
 * Reads a CAR v1 stream (the IPLD archive format gateways answer with) block by block as its
 * bytes arrive: each `{ cid, bytes }` is handed on as soon as it is whole, unverified (the
 * caller checks it against the CID it asked for). A length past `maxSection` is refused from
 * its prefix, before its bytes are read.
 * @module
 */
import { CID } from 'multiformats/cid'
import { varint } from 'multiformats'

/** Longest varint accepted (enough for any section up to 2^35 bytes). */
const MAX_VARINT_BYTES = 5

/** A block read from a CAR stream. */
export interface CarBlock {
  cid: CID
  bytes: Uint8Array
}

/** Bytes of a stream read in order; a read that spans parts copies each byte once. */
class Bytes {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #parts: Uint8Array[] = []
  #length = 0
  #ended = false

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader()
  }

  /** Whether at least `n` bytes are buffered, reading more as needed; false at the end. */
  async #fill(n: number): Promise<boolean> {
    while (this.#length < n && !this.#ended) {
      const part = await this.#reader.read()
      if (part.done) this.#ended = true
      else if (part.value.length > 0) {
        this.#parts.push(part.value)
        this.#length += part.value.length
      }
    }
    return this.#length >= n
  }

  /** The next `n` buffered bytes (`n` at most what is buffered), consumed or not. */
  #read(n: number, consume: boolean): Uint8Array {
    const first = this.#parts[0]
    if (first.length >= n && consume) {
      if (first.length === n) this.#parts.shift()
      else this.#parts[0] = first.subarray(n)
      this.#length -= n
      return first.subarray(0, n)
    }
    const out = new Uint8Array(n)
    let at = 0
    for (let i = 0; at < n; i++) {
      const part = this.#parts[i]
      const k = Math.min(part.length, n - at)
      out.set(part.subarray(0, k), at)
      at += k
    }
    if (consume) this.#skip(n)
    return out
  }

  #skip(n: number): void {
    this.#length -= n
    while (n > 0) {
      const part = this.#parts[0]
      if (part.length <= n) {
        this.#parts.shift()
        n -= part.length
      } else {
        this.#parts[0] = part.subarray(n)
        n = 0
      }
    }
  }

  /** An unsigned varint, or undefined at a clean end of the stream. */
  async varint(): Promise<number | undefined> {
    if (!(await this.#fill(1))) return undefined
    await this.#fill(MAX_VARINT_BYTES)
    const [value, length] = varint.decode(
      this.#read(Math.min(MAX_VARINT_BYTES, this.#length), false),
    )
    this.#skip(length)
    return value
  }

  /** The next `n` bytes; throws when the stream ends first. */
  async take(n: number): Promise<Uint8Array> {
    if (!(await this.#fill(n))) throw new Error('The CAR stream ended inside a block.')
    return n === 0 ? new Uint8Array(0) : this.#read(n, true)
  }

  cancel(reason?: unknown): Promise<void> {
    return this.#reader.cancel(reason)
  }
}

/** The blocks of the CAR v1 stream `body`, in order; sections over `maxSection` bytes throw. */
export async function* readCar(
  body: ReadableStream<Uint8Array>,
  maxSection: number,
): AsyncGenerator<CarBlock> {
  const bytes = new Bytes(body)
  try {
    // The header (DAG-CBOR `{ version: 1, roots }`): its roots mean nothing to a list of blocks.
    const headerLength = await bytes.varint()
    if (headerLength === undefined || headerLength > maxSection) {
      throw new Error('The CAR stream has no header.')
    }
    await bytes.take(headerLength)
    for (let size = await bytes.varint(); size !== undefined; size = await bytes.varint()) {
      if (size > maxSection) throw new Error(`A CAR section of ${size} bytes is too large.`)
      const section = await bytes.take(size)
      const [cid, block] = CID.decodeFirst(section)
      yield { cid, bytes: block }
    }
  } finally {
    await bytes.cancel().catch(() => {})
  }
}
