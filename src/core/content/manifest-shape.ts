/**
 * A look at a manifest block's shape before it is decoded: the number of entries its `files`
 * map declares, read from the CBOR heads alone (no value is built), so that a manifest listing
 * hundreds of thousands of files is refused for its count without decoding them.
 * See docs/PROTOCOL.md, "Manifest".
 * @module
 */

/** UTF-8 of the key `files`. */
const FILES_KEY = [0x66, 0x69, 0x6c, 0x65, 0x73]

const MAJOR_BYTES = 2
const MAJOR_TEXT = 3
const MAJOR_ARRAY = 4
const MAJOR_MAP = 5
const MAJOR_TAG = 6

/** One CBOR head: its major type, its argument and where the item's content starts. */
interface Head {
  major: number
  value: number
  next: number
}

/** The head at `pos`, or undefined for an indefinite length, a reserved value or the end. */
function head(bytes: Uint8Array, pos: number): Head | undefined {
  if (pos >= bytes.length) return undefined
  const first = bytes[pos]
  const major = first >> 5
  const info = first & 0x1f
  if (info < 24) return { major, value: info, next: pos + 1 }
  if (info > 27) return undefined
  const size = 1 << (info - 24)
  if (pos + 1 + size > bytes.length) return undefined
  let value = 0
  for (let i = 1; i <= size; i++) value = value * 256 + bytes[pos + i]
  return { major, value, next: pos + 1 + size }
}

/** The position after the item at `pos`, walking heads only; undefined when malformed. */
function skip(bytes: Uint8Array, pos: number): number | undefined {
  // Every item takes at least one byte, so the walk ends within bytes.length steps.
  let pending = 1
  while (pending > 0) {
    const h = head(bytes, pos)
    if (h === undefined) return undefined
    pending--
    pos = h.next
    if (h.major === MAJOR_BYTES || h.major === MAJOR_TEXT) pos += h.value
    else if (h.major === MAJOR_ARRAY) pending += h.value
    else if (h.major === MAJOR_MAP) pending += 2 * h.value
    else if (h.major === MAJOR_TAG) pending += 1
    if (pos > bytes.length || pending > bytes.length) return undefined
  }
  return pos
}

/**
 * The number of entries the top-level `files` map of a manifest block declares, from the heads
 * alone; `undefined` when the bytes are not a map with a `files` map (full decoding then says
 * what is wrong).
 */
export function declaredFileCount(bytes: Uint8Array): number | undefined {
  const top = head(bytes, 0)
  if (top === undefined || top.major !== MAJOR_MAP) return undefined
  let pos: number | undefined = top.next
  for (let i = 0; i < top.value && pos !== undefined; i++) {
    const key = head(bytes, pos)
    if (key === undefined || key.major !== MAJOR_TEXT) return undefined
    const isFiles =
      key.value === FILES_KEY.length && FILES_KEY.every((b, k) => bytes[key.next + k] === b)
    pos = key.next + key.value
    if (isFiles) {
      const files = head(bytes, pos)
      return files?.major === MAJOR_MAP ? files.value : undefined
    }
    pos = skip(bytes, pos)
  }
  return undefined
}
