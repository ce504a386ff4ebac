/**
 * Typed errors of the bridge between the shell and site origins. Each `name` is the class
 * name and is stable: failure pages and the UI key on it.
 * @module
 */

/** The bridge frame for a site did not load, register its service worker or answer in time. */
export class BridgeTimeoutError extends Error {
  override name = 'BridgeTimeoutError'
}

/** No bridge frame is open for this site origin: the site is not being shown by an Alternet app. */
export class NoBridgeError extends Error {
  override name = 'NoBridgeError'
}

/** A bridge frame exists but has no port to a shell (it was not opened by the app). */
export class BridgeNotConnectedError extends Error {
  override name = 'BridgeNotConnectedError'
}

/** The browser cannot run what site origins need (service workers). */
export class ServiceWorkerUnsupportedError extends Error {
  override name = 'ServiceWorkerUnsupportedError'
}

/** The app's node is not running (it could not start: no network, no relay), so nothing can be fetched live. */
export class NodeUnavailableError extends Error {
  override name = 'NodeUnavailableError'
}
