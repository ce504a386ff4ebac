/**
 * Whether the browser has a network, as it says (`navigator.onLine`, the `online` and `offline`
 * events), and the error shown for a site opened with none and no copy on this device.
 * @module
 */

/**
 * How long a site opened with no network may take to start from this device's copy (its site
 * worker and bridge are already installed then, and answer at once), in ms. Past it the site
 * has no copy here: a site never visited has no worker, and its bridge page cannot load.
 */
export const OFFLINE_OPEN_TIMEOUT_MS = 4_000

/** The browser has no network, and this device keeps no copy of the site asked for. */
export class OfflineError extends Error {
  override name = 'OfflineError'
}

/** Whether the browser says it has a network now (true where it cannot tell). */
export function browserOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false
}

/**
 * Calls `onChange` with the new state whenever the browser's network goes or comes back.
 * Returns the function that stops listening.
 */
export function watchOnline(onChange: (online: boolean) => void): () => void {
  const online = (): void => onChange(true)
  const offline = (): void => onChange(false)
  window.addEventListener('online', online)
  window.addEventListener('offline', offline)
  return () => {
    window.removeEventListener('online', online)
    window.removeEventListener('offline', offline)
  }
}

/**
 * `work`, or `OfflineError` once `ms` passed with no answer. Used while offline only, so a site
 * with no copy here fails in seconds with words, not after every timeout of the node.
 */
export function withinOffline<T>(work: Promise<T>, ms = OFFLINE_OPEN_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OfflineError('You’re offline, and this site has no copy on this device.')),
      ms,
    )
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}
