/**
 * Bytes handed over whole: a buffer that nothing else holds (a block just read from the store
 * for one reader), which the one who receives it may transfer to another thread as it is,
 * without a copy. Bytes not handed over are copied before a transfer: a block fetched from a
 * peer may still be held by the block keeper, which writes it to the store behind the fetch.
 * @module
 */

const handedOver = new WeakSet<Uint8Array>()

/**
 * Marks `bytes` as handed over when they span their whole buffer (a view into a larger buffer
 * is not: transferring it would move bytes around it). Only for bytes whose buffer the caller
 * holds alone and gives away with them. Returns `bytes`.
 */
export function handOver<T extends Uint8Array>(bytes: T): T {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) handedOver.add(bytes)
  return bytes
}

/** True when `bytes` were handed over and still span their whole (undetached) buffer. */
export function isHandedOver(bytes: Uint8Array): boolean {
  return (
    handedOver.has(bytes) &&
    bytes.byteOffset === 0 &&
    bytes.byteLength > 0 &&
    bytes.byteLength === bytes.buffer.byteLength
  )
}
