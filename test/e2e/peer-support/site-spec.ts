/**
 * The files the peer tests publish, described as data so Node and the pages agree: text, or
 * `size` deterministic bytes from `seed` (generated in the page, never sent across).
 * @module
 */

/** One file of a test site. */
export type FileSpec = { path: string; text: string } | { path: string; size: number; seed: number }

/** `size` bytes from a xorshift32 generator seeded with `seed`: the same in every runtime. */
export function deterministicBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  const words = new Uint32Array(out.buffer, 0, size >>> 2)
  let x = seed >>> 0 || 0x9e3779b9
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x >>> 0
  }
  for (let i = words.length * 4; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
