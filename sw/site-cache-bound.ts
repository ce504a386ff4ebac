/**
 * The bound on kept copies (sw/site-cache.ts) per site origin: bytes and count, the oldest
 * written leaving first. Apart from the worker's code so that it runs in a page too.
 * @module
 */

/** Bytes of kept copies per site origin; the oldest written leave first. */
export const MAX_KEPT_BYTES = 200 * 1024 * 1024

/** Kept copies per site origin (many small files cost entries more than bytes). */
export const MAX_KEPT_COPIES = 2_000

/** Deletes the oldest kept copies until one more of `bytes` fits under the caps. */
export async function makeRoom(
  cache: Cache,
  bytes: number,
  caps = { bytes: MAX_KEPT_BYTES, copies: MAX_KEPT_COPIES },
): Promise<void> {
  // In the order written. A copy made by script has no URL of its own: its key names it.
  const keys = await cache.keys()
  const sizes = await sizesOf(cache, keys)
  let total = bytes + sizes.reduce((sum, size) => sum + size, 0)
  let count = keys.length + 1
  for (const [i, key] of keys.entries()) {
    if (total <= caps.bytes && count <= caps.copies) break
    total -= sizes[i]!
    count--
    await cache.delete(key)
  }
}

/** The stated length of each copy under `keys` (0 when none is stated). */
async function sizesOf(cache: Cache, keys: readonly Request[]): Promise<number[]> {
  const size = (copy: Response | undefined): number => {
    void copy?.body?.cancel().catch(() => {})
    return Number(copy?.headers.get('content-length')) || 0
  }
  const all = await cache.matchAll()
  // Listed together unless a write came between: else each is asked for by its key.
  if (all.length === keys.length) return all.map(size)
  return Promise.all(keys.map(async (key) => size(await cache.match(key))))
}
