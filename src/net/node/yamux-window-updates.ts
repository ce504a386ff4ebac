/**
 * Yamux receive windows of the page's node: larger, and granted once per half window.
 *
 * The installed `@chainsafe/libp2p-yamux` keeps every stream's receive window at yamux's initial
 * 256 KiB unless a window's worth arrives within four ping round trips (on a busy machine,
 * never), and grants the sender the bytes of every data frame as soon as that frame arrives:
 * one window update frame per data frame, each sealed by Noise and sent on its own, on the
 * thread that also reads the data. A stream from a relay could then have at most 256 KiB on its
 * way, so a 20 MiB fetch waited on every scheduling hiccup of the relay or the page.
 *
 * Here a stream's receive window is at least `RECEIVE_WINDOW` (granted with its first window
 * update, as yamux allows: the window is whatever the receiver grants beyond the initial one),
 * and an open stream grants again only once less than half of it is left (as Go's and Rust's
 * yamux do): the sender always has at least half a window to send into, and the receiver sends
 * a few updates per window instead of one per frame. The window is fixed there (yamux's own
 * doubling would pass libp2p's 4 MiB read buffer limit), so a paused stream's unread bytes
 * stay bounded. Opening, closing,
 * pausing and resuming a stream are unchanged; what this node sends is still bounded by the
 * windows its peers grant.
 * @module
 */
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/** Bytes a stream of this node lets its sender have on the way. */
export const RECEIVE_WINDOW = 2 * 1024 * 1024

/** The stream's receive window fields (private in the library's types). */
interface ReceiveWindow {
  recvWindow: number
  recvWindowCapacity: number
  maxStreamWindowSize: number
}

let installed = false

/**
 * Makes every yamux stream of this JavaScript realm receive into a window of at least
 * `RECEIVE_WINDOW` and send a window update only once that window is at most half open.
 * Idempotent.
 */
export function batchYamuxWindowUpdates(): void {
  if (installed) return
  installed = true
  const send = Object.getOwnPropertyDescriptor(YamuxStream.prototype, 'sendWindowUpdate')
    ?.value as (this: YamuxStream) => void
  YamuxStream.prototype.sendWindowUpdate = function (this: YamuxStream): void {
    const window = this as unknown as ReceiveWindow
    if (window.maxStreamWindowSize > RECEIVE_WINDOW) {
      // Fixed from the first update on: yamux's own growth would pass the read buffer limit.
      window.maxStreamWindowSize = RECEIVE_WINDOW
      window.recvWindow = RECEIVE_WINDOW
    }
    if (
      this.state === StreamState.Established &&
      window.recvWindowCapacity * 2 > window.recvWindow
    ) {
      return
    }
    send.call(this)
  }
}
