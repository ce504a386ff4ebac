/**
 * Errors of the browser node. Each class's `name` is its stable code; the UI maps it to words.
 * @module
 */

/** A relay entry is neither an http(s) URL nor a multiaddr with `/p2p/<peer id>`. */
export class InvalidRelayError extends Error {
  override name = 'InvalidRelayError'
}

/** A relay's `/.well-known/alternet.json` could not be fetched or read. */
export class RelayDocumentError extends Error {
  override name = 'RelayDocumentError'
}

/** A relay offers no address this browser can dial (e.g. only `ws://` on an https page). */
export class NoDialableAddressError extends Error {
  override name = 'NoDialableAddressError'
}
