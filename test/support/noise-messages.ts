/**
 * What a peer sends on a connection, as the transport hands it to Noise on the other side: an
 * encrypter that records each message its raw connections receive, and how a message splits
 * into 2-byte-length-prefixed Noise messages. For the specs of joined writes.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import type { MessageStream } from '@libp2p/interface'

/** Noise's encrypter, recording each message its raw connections receive. */
export function recording(received: Uint8Array[]): ReturnType<typeof noise> {
  const factory = noise()
  return (components) => {
    const inner = factory(components)
    const outer = Object.create(inner) as typeof inner
    outer.secureOutbound = (connection, options) => {
      // `onData` is what the WebSocket connection calls with each message it receives.
      const raw = connection as MessageStream & { onData(data: Uint8Array): void }
      const onData = raw.onData.bind(raw)
      raw.onData = (data) => {
        received.push(data.slice())
        onData(data)
      }
      return inner.secureOutbound(connection, options)
    }
    return outer
  }
}

/** How the message splits into 2-byte-length-prefixed Noise messages, or why it does not. */
export function noiseMessages(bytes: Uint8Array): number[] | string {
  const lengths: number[] = []
  let at = 0
  while (at < bytes.length) {
    if (at + 2 > bytes.length) return `a length cut at byte ${at} of ${bytes.length}`
    const length = (bytes[at] << 8) | bytes[at + 1]
    if (at + 2 + length > bytes.length)
      return `a ${length}-byte message at byte ${at} of a ${bytes.length}-byte WebSocket message`
    lengths.push(length)
    at += 2 + length
  }
  return lengths
}
