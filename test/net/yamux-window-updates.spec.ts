/**
 * The page's yamux streams receive into a 2 MiB window, granted with their first window update,
 * and grant their sender more once per half window, not once per data frame
 * (`src/net/node/yamux-window-updates.ts`): a receiving stream sends a few window updates per
 * window, its sender never has more than the window on its way nor is left without room, and a
 * muxer pair still carries a stream's bytes intact.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import { defaultLogger } from '@libp2p/logger'
import { multiaddrConnectionPair } from '@libp2p/utils'
import type { Stream, StreamMuxer } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { RECEIVE_WINDOW, batchYamuxWindowUpdates } from '../../src/net/node/yamux-window-updates.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { describe, it } from '../support/spec.ts'

/** Yamux's initial stream window, fixed by its specification. */
const WINDOW = 256 * 1024
/** Window update frames are of type 1. */
const WINDOW_UPDATE = 1

batchYamuxWindowUpdates()

/** A stream receiving `total` bytes in frames of `frame` bytes from a sender that respects its grants. */
function receive(
  total: number,
  frame: number,
  state = StreamState.Established,
): { updates: number[]; flags: number[]; frames: number; received: number; most: number } {
  const updates: number[] = []
  const flags: number[] = []
  let sendable = WINDOW
  const stream = new YamuxStream({
    id: '1',
    streamId: 1,
    state,
    direction: 'inbound',
    log: defaultLogger().forComponent('test:yamux'),
    getRTT: () => -1,
    sendFrame: (header) => {
      if (header.type === WINDOW_UPDATE) {
        updates.push(header.length)
        flags.push(header.flag)
        sendable += header.length
      }
      return true
    },
  })
  let received = 0
  stream.addEventListener('message', (event) => {
    received += event.data.byteLength
  })
  let frames = 0
  let left = total
  /** The most the sender could have had on its way at once. */
  let most = sendable
  while (left > 0) {
    most = Math.max(most, sendable)
    const size = Math.min(frame, left, sendable)
    ok(size > 0, `the sender has no window left after ${total - left} bytes`)
    stream.handleData({
      header: { type: 0, flag: 0, streamID: 1, length: size },
      data: new Uint8ArrayList(new Uint8Array(size)),
    })
    sendable -= size
    left -= size
    frames++
  }
  return { updates, flags, frames, received, most }
}

describe('yamux window updates', () => {
  it('grants a 2 MiB window at once, then once per half window', () => {
    const { updates, frames, received, most } = receive(8 * 1024 * 1024, 16 * 1024)
    equal(received, 8 * 1024 * 1024)
    equal(frames, 512)
    equal(most, RECEIVE_WINDOW)
    // The first frame opens the window to 2 MiB; then one update per 1 MiB received.
    equal(updates[0], RECEIVE_WINDOW - (WINDOW - 16 * 1024))
    ok(updates.slice(1).every((n) => n === RECEIVE_WINDOW / 2))
    equal(updates.length, 8)
  })

  it('answers a new inbound stream at once, with its acknowledgement', () => {
    const { updates, flags } = receive(16 * 1024, 16 * 1024, StreamState.SYNReceived)
    equal(updates.length, 1)
    equal(flags[0], 2) // ACK
  })

  it('carries a stream’s bytes intact between two muxers', async () => {
    const [outer, inner] = multiaddrConnectionPair()
    const factory = yamux()()
    const dialer: StreamMuxer = factory.createStreamMuxer(outer)
    const listener: StreamMuxer = factory.createStreamMuxer(inner)
    const incoming = new Promise<Stream>((resolve) => {
      listener.addEventListener('stream', (event) => resolve(event.detail), { once: true })
    })
    const sent = Uint8Array.from({ length: 3 * 1024 * 1024 + 7 }, (_, i) => (i * 13) & 0xff)
    const out = await dialer.createStream()
    const write = (async () => {
      for (let at = 0; at < sent.length; at += 100_000) {
        if (!out.send(sent.subarray(at, at + 100_000))) await out.onDrain()
      }
      await out.close()
    })()
    const stream = await incoming
    const got = new Uint8ArrayList()
    for await (const part of stream) got.append(part instanceof Uint8Array ? part : part.subarray())
    await write
    deepEqual(got.subarray(), sent)
    await Promise.all([dialer.close(), listener.close()])
  })
})
