/**
 * One transport write per Noise send. `@chainsafe/libp2p-noise` seals what the muxer hands it in
 * Noise messages of at most 64 KiB and gives each one to the connection as two buffers, its
 * 2-byte length and its ciphertext; the WebSocket connection sends every buffer of that list as
 * a WebSocket message of its own (TCP as a write of its own). A 256 KiB block from a mirror thus
 * left the relay as ten WebSocket messages, five of them two bytes long: ten frames and system
 * calls there, ten message events on the page's thread. Here the list is joined into one buffer
 * before the connection sees it: one message per send. Same bytes on the wire, in the same
 * order; only where a transport cuts them changes. Used by the Node side of connections: relays
 * and the Node peer.
 * @module
 */
import type { ConnectionEncrypter, MessageStream, SecuredConnection } from '@libp2p/interface'

/** The raw connection, its sends joined into one buffer each. Changes `connection` itself. */
export function joinSends<T extends MessageStream>(connection: T): T {
  const send = connection.send.bind(connection)
  connection.send = (data: Parameters<MessageStream['send']>[0]): boolean =>
    // `subarray()` returns a list's only buffer as it is, and copies several into one.
    send(data instanceof Uint8Array ? data : data.subarray())
  return connection
}

/** `factory`'s encrypter, handed raw connections whose sends are joined (`joinSends`). */
export function joinedWrites<C>(
  factory: (components: C) => ConnectionEncrypter,
): (components: C) => ConnectionEncrypter {
  return (components) => {
    const inner = factory(components)
    const outer: ConnectionEncrypter = Object.create(inner)
    outer.secureInbound = (connection, options): Promise<SecuredConnection> =>
      inner.secureInbound(joinSends(connection), options)
    outer.secureOutbound = (connection, options): Promise<SecuredConnection> =>
      inner.secureOutbound(joinSends(connection), options)
    return outer
  }
}
