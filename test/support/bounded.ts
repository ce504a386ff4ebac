/**
 * A bound on a spec's work, in Node and in the browser: a stream or fetch that never ends
 * fails the spec instead of hanging the run. Never a timed assertion: the bound is generous.
 * @module
 */

/** Rejects when `work` is not done within `ms`. */
export async function bounded<T>(work: () => Promise<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work(), timeout])
  } finally {
    clearTimeout(timer)
  }
}
