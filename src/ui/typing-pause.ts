/**
 * The pause the publish form waits for after a keystroke before it looks a name up.
 * @module
 */

/** Time the person may pause typing before the name is looked up, in ms. */
export const AVAILABILITY_DEBOUNCE_MS = 400

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
