/**
 * The pause the publish form and the address bar wait for after a keystroke before they look a
 * name up, and how long the address bar's look-ahead may take.
 * @module
 */

/** Time the person may pause typing before the name is looked up, in ms. */
export const AVAILABILITY_DEBOUNCE_MS = 400

/**
 * Longest the address bar's look-ahead (who can serve the name being typed) may take, in ms:
 * then it says it could not tell, and pressing Go still opens the site.
 */
export const LOOKAHEAD_TIMEOUT_MS = 8_000

/** Waits `ms`, or rejects when `signal` aborts (a newer keystroke). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}
