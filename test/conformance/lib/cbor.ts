/**
 * Strict DAG-CBOR, written from docs/PROTOCOL.md "Conventions" and RFC 8949 alone: a decoder
 * that accepts only the one canonical encoding of a value, and the matching encoder. Part of
 * the conformance check, which must not use the reference implementation or its CBOR library.
 * @module
 */

/** A CID link (tag 42): the binary CID, without the leading multibase `0x00`. */
export class CidLink {
  readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }
}

/** A 64-bit float that is not an integer (DAG-CBOR writes integers as integers). */
export class CborFloat {
  readonly value: number
  constructor(value: number) {
    this.value = value
  }
}

/** A decoded value. Integers are bigints, maps are `Map`s with text keys, in wire order. */
export type CborValue =
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | CborFloat
  | CidLink
  | CborValue[]
  | Map<string, CborValue>

/** Bytes that are not the canonical DAG-CBOR encoding of one value. */
export class CborError extends Error {
  override name = 'CborError'
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Encoder = new TextEncoder()

/** Encoded-key order of DAG-CBOR: shorter first, then bytewise. Negative when `a` sorts first. */
export function compareKeys(a: string, b: string): number {
  const x = utf8Encoder.encode(a)
  const y = utf8Encoder.encode(b)
  if (x.length !== y.length) return x.length - y.length
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}

/** Decodes exactly one canonical DAG-CBOR value filling all of `bytes`; throws `CborError`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  let at = 0
  const need = (n: number): void => {
    if (at + n > bytes.length) throw new CborError('truncated')
  }
  const argument = (info: number): bigint => {
    if (info < 24) return BigInt(info)
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0
    if (size === 0) throw new CborError(info === 31 ? 'indefinite length' : `reserved info ${info}`)
    need(size)
    let n = 0n
    for (let i = 0; i < size; i++) n = (n << 8n) | BigInt(bytes[at + i])
    at += size
    const least = size === 1 ? 24n : 1n << BigInt(4 * size)
    if (n < least) throw new CborError('integer or length not in its shortest form')
    return n
  }
  const length = (info: number): number => {
    const n = argument(info)
    if (n > BigInt(bytes.length)) throw new CborError('length beyond the input')
    return Number(n)
  }
  const item = (): CborValue => {
    need(1)
    const initial = bytes[at++]
    const major = initial >> 5
    const info = initial & 0x1f
    switch (major) {
      case 0:
        return argument(info)
      case 1:
        return -1n - argument(info)
      case 2: {
        const n = length(info)
        need(n)
        return bytes.slice(at, (at += n))
      }
      case 3: {
        const n = length(info)
        need(n)
        try {
          return utf8.decode(bytes.subarray(at, (at += n)))
        } catch {
          throw new CborError('text that is not UTF-8')
        }
      }
      case 4: {
        const n = length(info)
        return Array.from({ length: n }, item)
      }
      case 5: {
        const n = length(info)
        const map = new Map<string, CborValue>()
        let previous: string | undefined
        for (let i = 0; i < n; i++) {
          const key = item()
          if (typeof key !== 'string') throw new CborError('a map key that is not text')
          if (previous !== undefined && compareKeys(previous, key) >= 0)
            throw new CborError('map keys out of order or repeated')
          previous = key
          map.set(key, item())
        }
        return map
      }
      case 6: {
        if (argument(info) !== 42n) throw new CborError('a tag other than 42')
        const content = item()
        if (!(content instanceof Uint8Array) || content.length < 2 || content[0] !== 0)
          throw new CborError('tag 42 without 0x00-prefixed CID bytes')
        return new CidLink(content.slice(1))
      }
      default: {
        if (info === 20) return false
        if (info === 21) return true
        if (info === 22) return null
        if (info !== 27) throw new CborError('a simple value or float DAG-CBOR does not allow')
        need(8)
        const value = new DataView(bytes.buffer, bytes.byteOffset + at, 8).getFloat64(0)
        at += 8
        if (!Number.isFinite(value) || Number.isInteger(value))
          throw new CborError('a float that is not finite, or where an integer fits')
        return new CborFloat(value)
      }
    }
  }
  const value = item()
  if (at !== bytes.length) throw new CborError('trailing bytes')
  return value
}

/** What {@link encodeCbor} takes: like {@link CborValue}, with numbers and plain objects too. */
export type CborInput =
  CborValue | number | CborInput[] | Map<string, CborInput> | { [key: string]: CborInput }

function head(major: number, n: bigint): number[] {
  if (n < 24n) return [(major << 5) | Number(n)]
  const size = n < 0x100n ? 1 : n < 0x10000n ? 2 : n < 0x100000000n ? 4 : 8
  const out = [(major << 5) | (size === 1 ? 24 : size === 2 ? 25 : size === 4 ? 26 : 27)]
  for (let i = size - 1; i >= 0; i--) out.push(Number((n >> BigInt(8 * i)) & 0xffn))
  return out
}

/** The canonical DAG-CBOR encoding of `value`: shortest forms, map keys sorted. */
export function encodeCbor(value: CborInput): Uint8Array {
  const out: number[] = []
  const put = (v: CborInput): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new CborError('only integers are encoded here')
      v = BigInt(v)
    }
    if (typeof v === 'bigint') out.push(...(v >= 0n ? head(0, v) : head(1, -1n - v)))
    else if (typeof v === 'string') {
      const b = utf8Encoder.encode(v)
      out.push(...head(3, BigInt(b.length)), ...b)
    } else if (v instanceof Uint8Array) out.push(...head(2, BigInt(v.length)), ...v)
    else if (v === false || v === true || v === null) out.push(v === null ? 0xf6 : v ? 0xf5 : 0xf4)
    else if (v instanceof CidLink) {
      out.push(...head(6, 42n), ...head(2, BigInt(v.bytes.length + 1)), 0, ...v.bytes)
    } else if (v instanceof CborFloat) {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setFloat64(0, v.value)
      out.push(0xfb, ...b)
    } else if (Array.isArray(v)) {
      out.push(...head(4, BigInt(v.length)))
      for (const x of v) put(x)
    } else {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v)
      entries.sort(([a], [b]) => compareKeys(a, b))
      out.push(...head(5, BigInt(entries.length)))
      for (const [k, x] of entries) {
        put(k)
        put(x)
      }
    }
  }
  put(value)
  return Uint8Array.from(out)
}
