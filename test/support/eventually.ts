/**
 * Polling for specs in Node and in the browser: waits for a condition without asserting on
 * time, failing only after a generous bound.
 * @module
 */

/**
 * Polls `check` every `every` ms until it returns a value other than undefined/false, which it
 * resolves with; throws after `ms`, naming `what` and the last error `check` threw.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
  every = 50,
): Promise<T> {
  const deadline = Date.now() + ms
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      lastError = err
    }
    await new Promise((r) => setTimeout(r, every))
  }
  throw new Error(
    `timed out waiting for ${what}${lastError != null ? `: ${String(lastError)}` : ''}`,
  )
}
