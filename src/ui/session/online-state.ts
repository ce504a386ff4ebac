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

/**
 * The network is up but every relay fails to answer (so no name can be looked up), and this
 * device keeps no copy of the site asked for.
 */
export class NoRelayError extends Error {
  override name = 'NoRelayError'
}

/** Whether every configured relay is failing now (each tried, none connected). */
export function allRelaysFailing(
  relays: readonly { connected: boolean; error?: string }[] | undefined,
): boolean {
  return (
    relays !== undefined &&
    relays.length > 0 &&
    relays.every((relay) => !relay.connected && relay.error !== undefined)
  )
}

/** How often a site being opened checks whether every relay is failing, in ms. */
export const RELAY_CHECK_INTERVAL_MS = 500

/**
 * `work`, or `NoRelayError` once every relay has been failing for `ms` while it runs (checked
 * with `failing`): a site with no copy here then fails in seconds with words, not after every
 * timeout of the node. A relay that comes back meanwhile starts the count again.
 */
export function withinRelays<T>(
  work: Promise<T>,
  failing: () => boolean,
  ms = OFFLINE_OPEN_TIMEOUT_MS,
): Promise<T> {
  let timer: ReturnType<typeof setInterval> | undefined
  const expired = new Promise<never>((_, reject) => {
    let since: number | undefined
    timer = setInterval(() => {
      if (!failing()) {
        since = undefined
        return
      }
      since ??= Date.now()
      if (Date.now() - since >= ms)
        reject(new NoRelayError('No relay answers, and this site has no copy on this device.'))
    }, RELAY_CHECK_INTERVAL_MS)
  })
  return Promise.race([work, expired]).finally(() => clearInterval(timer))
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
export function withinOffline<T>(
  work: Promise<T>,
  ms = OFFLINE_OPEN_TIMEOUT_MS,
  cause: () => Error = () =>
    new OfflineError('You’re offline, and this site has no copy on this device.'),
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(cause()), ms)
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}
