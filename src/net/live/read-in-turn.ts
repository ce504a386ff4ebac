/**
 * Reading each neighbour's GossipSub frames in turn, with backpressure: a neighbour's next frame
 * is handled once its previous one is judged, and what it sends meanwhile waits in its own
 * stream, at most `LIVE_READ_AHEAD_BYTES`, then in the muxer's window (the stream is paused, so
 * the sender is not given more window and stops). GossipSub alone reads every frame as it comes
 * into an unbounded queue and judges them all at once: a flooder's frames then fill the node's
 * memory and its event loop, ahead of every other neighbour's.
 * @module
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import { LIVE_READ_AHEAD_BYTES } from './constants.ts'

/** Bytes as a stream hands them on. */
type Chunk = StreamMessageEvent['data']

/** The bytes of `stream` as they come, pausing it while more than `readAhead` wait unread. */
async function* paced(stream: Stream, readAhead: number): AsyncGenerator<Chunk> {
  const queue: Chunk[] = []
  let queued = 0
  let ended = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const onMessage = (event: StreamMessageEvent): void => {
    const { data } = event
    queue.push(data)
    queued += data.byteLength
    if (queued > readAhead && stream.readStatus === 'readable') stream.pause()
    wake?.()
  }
  const onEnd = (event: Event): void => {
    ended = true
    failure = (event as StreamCloseEvent).error
    wake?.()
  }
  stream.addEventListener('message', onMessage)
  stream.addEventListener('close', onEnd)
  stream.addEventListener('remoteCloseWrite', onEnd)
  try {
    for (;;) {
      const data = queue.shift()
      if (data !== undefined) {
        queued -= data.byteLength
        if (queued <= readAhead / 2 && stream.readStatus === 'paused') stream.resume()
        yield data
      } else if (ended) {
        if (failure !== undefined) throw failure
        return
      } else {
        await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
      }
    }
  } finally {
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('close', onEnd)
    stream.removeEventListener('remoteCloseWrite', onEnd)
  }
}

/**
 * Makes `gossip` read each neighbour's frames in turn (set before the node starts). GossipSub's
 * options handle a frame, and each message in it, before the next (`awaitRpcHandler`,
 * `awaitRpcMessageHandler`); this gives GossipSub each inbound stream as paced bytes. GossipSub
 * has no setting for that: its router's handler of new streams is wrapped.
 */
export function readInTurn(gossip: GossipSub, readAhead = LIVE_READ_AHEAD_BYTES): void {
  type OnStream = (stream: Stream, connection: Connection) => void
  const router = gossip as unknown as { onIncomingStream: OnStream }
  const onIncoming = router.onIncomingStream.bind(gossip)
  router.onIncomingStream = (stream, connection) => {
    // No event listener methods, so GossipSub reads it as plain async bytes.
    const bytes = {
      [Symbol.asyncIterator]: () => paced(stream, readAhead),
      close: async (options?: { signal?: AbortSignal }) => stream.close(options),
      abort: (err: Error) => stream.abort(err),
    }
    onIncoming(bytes as unknown as Stream, connection)
  }
}
