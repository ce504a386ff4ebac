/**
 * The host side of `/an/route/1.0.0`: answers file, header and block requests from the sites
 * and blocks this node holds, within limits on request size, request time, write time and
 * concurrent streams, so that no request can stop the host serving others.
 * See docs/PROTOCOL.md, "Server".
 * @module
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { addressGroup } from './address-group.ts'
import { createAdmission } from './admission.ts'
import { createAnswerer, reply, type Reply } from './answer.ts'
import { decodeRequest, type RouteRequest } from './codec.ts'
import {
  DEFAULT_HALF_CLOSED_TIMEOUT,
  DEFAULT_INBOUND_STREAM_HEADROOM,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_REQUEST_SIZE,
  DEFAULT_MAX_STREAMS_PER_ADDRESS,
  DEFAULT_MAX_STREAMS_PER_PEER,
  DEFAULT_REQUEST_TIMEOUT,
  DEFAULT_WRITE_TIMEOUT,
  ROUTE_PROTOCOL,
} from './constants.ts'
import { RouteProtocolError } from './errors.ts'
import { StreamReader } from './stream-reader.ts'
import type { HostedSite, RouteServerInit } from './server-init.ts'
import { writeReply } from './write-reply.ts'

export type { HostedSite, RouteServerInit }

/** The part of a libp2p node the server registers itself with. */
export type RouteServerHost = Pick<Libp2p, 'handle' | 'unhandle'>

/** A running route server. */
export interface RouteServer {
  /** Registers the `/an/route/1.0.0` handler on `libp2p`. */
  start(libp2p: RouteServerHost): Promise<void>
  /** Unregisters the handler and resets every response in progress. */
  stop(): Promise<void>
  /** Answers one inbound route stream (what the registered handler calls). */
  handleStream(stream: Stream, connection: Connection): Promise<void>
  /** Requests in progress now (a response counts until the visitor closed its side too). */
  readonly active: number
}

/**
 * Creates a route server over a block store and the list of hosted sites.
 * @example
 * ```ts
 * const server = createRouteServer({
 *   getBlock: (cid) => store.get(cid),
 *   sites: () => [{ site: 'mysite:code', root: manifestCid }],
 * })
 * await server.start(libp2p)
 * ```
 */
export function createRouteServer(init: RouteServerInit): RouteServer {
  const maxRequestSize = init.maxRequestSize ?? DEFAULT_MAX_REQUEST_SIZE
  const requestTimeout = init.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT
  const writeTimeout = init.writeTimeout ?? DEFAULT_WRITE_TIMEOUT
  const halfClosedTimeout = init.halfClosedTimeout ?? DEFAULT_HALF_CLOSED_TIMEOUT
  const maxPerPeer = init.maxStreamsPerPeer ?? DEFAULT_MAX_STREAMS_PER_PEER
  const maxTotal = init.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS
  const admission = createAdmission({
    maxTotal,
    maxPerPeer,
    maxPerAddress: init.maxStreamsPerAddress ?? DEFAULT_MAX_STREAMS_PER_ADDRESS,
    reserved: init.reservedStreams ?? Math.floor(maxTotal / 4),
  })
  // The request frame, its prefix and some slack: all a visitor ever has to send. More unread
  // bytes and libp2p resets the stream instead of buffering (its default is 4 MiB a stream).
  const readBufferLimit = 2 * maxRequestSize
  let host: RouteServerHost | undefined
  let stopper = new AbortController()
  const answerer = createAnswerer(init)

  /** Resets the stream on any byte after the request frame: the visitor sends one frame only. */
  function refuseMore(stream: Stream): () => void {
    const onMessage = (): void => {
      stream.abort(
        new RouteProtocolError('trailing-bytes', 'The visitor sent bytes after its request.'),
      )
    }
    stream.addEventListener('message', onMessage)
    return () => stream.removeEventListener('message', onMessage)
  }

  async function readRequest(stream: Stream, signal: AbortSignal): Promise<RouteRequest | Reply> {
    const reader = new StreamReader(stream, maxRequestSize)
    const deadline = AbortSignal.timeout(requestTimeout)
    try {
      const frame = await reader.readFrame(maxRequestSize, AbortSignal.any([deadline, signal]))
      if (reader.queued > 0)
        throw new RouteProtocolError('trailing-bytes', 'The visitor sent bytes after its request.')
      return decodeRequest(frame)
    } catch (error) {
      if (signal.aborted) throw error
      if (deadline.aborted) return { ...reply(408, 'request-timeout'), reset: true }
      if (error instanceof RouteProtocolError) {
        if (error.reason === 'frame-too-large')
          return { ...reply(431, 'request-too-large'), reset: true }
        if (error.reason === 'truncated' || error.reason === 'trailing-bytes') throw error
        return { ...reply(400, error.reason), reset: error.reason === 'invalid-length' }
      }
      throw error
    } finally {
      reader.dispose()
    }
  }

  const limits = {
    writeTimeout,
    minThroughput: init.minThroughput,
    slowPeerGrace: init.slowPeerGrace,
  }
  const write = (stream: Stream, result: Reply, signal: AbortSignal): Promise<void> =>
    writeReply(stream, result, limits, signal)

  /** Once the response is out, the visitor has `halfClosedTimeout` to close its side too. */
  async function awaitRemoteClose(stream: Stream, signal: AbortSignal): Promise<void> {
    const halfOpen = (): boolean =>
      stream.status === 'open' && stream.remoteWriteStatus !== 'closed'
    if (!halfOpen()) return
    const timer = AbortSignal.any([AbortSignal.timeout(halfClosedTimeout), signal])
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.removeEventListener('remoteCloseWrite', done)
        stream.removeEventListener('close', done)
        timer.removeEventListener('abort', done)
        resolve()
      }
      stream.addEventListener('remoteCloseWrite', done)
      stream.addEventListener('close', done)
      timer.addEventListener('abort', done)
    })
    if (halfOpen())
      stream.abort(
        new RouteProtocolError('truncated', 'The visitor left its side of the stream open.'),
      )
  }

  async function serve(stream: Stream, peer: PeerId, signal: AbortSignal): Promise<void> {
    const request = await readRequest(stream, signal)
    if ('status' in request) return write(stream, request, signal)
    const stopGuard = refuseMore(stream)
    try {
      let result: Reply
      try {
        result = await answerer.answer(request, signal)
      } catch (error) {
        if (signal.aborted) throw error
        result = reply(500, 'internal-error')
      }
      // Reported as the block is answered: a visitor that has its bytes may reset the stream
      // before the write is seen through, and it was served all the same.
      if (request.kind === 'block' && result.status === 200)
        init.onBlockServed?.(request.cid as CID, peer)
      await write(stream, result, signal)
    } finally {
      stopGuard()
    }
  }

  async function handleStream(stream: Stream, connection: Connection): Promise<void> {
    const signal = stopper.signal
    stream.maxReadBufferLength = Math.min(stream.maxReadBufferLength, readBufferLimit)
    const ticket = admission.admit(
      connection.remotePeer.toString(),
      addressGroup(connection.remoteAddr),
    )
    // One controller per response: stop() or a failed write ends its block reads too.
    const response = new AbortController()
    const onStop = (): void => response.abort(signal.reason)
    signal.addEventListener('abort', onStop, { once: true })
    try {
      // A refusal is written without reading the request: its bytes stay within readBufferLimit.
      if ('status' in ticket) await write(stream, ticket, response.signal)
      else await serve(stream, connection.remotePeer, response.signal)
      await awaitRemoteClose(stream, response.signal)
    } catch (error) {
      response.abort(error)
      stream.abort(error instanceof Error ? error : new Error(String(error)))
    } finally {
      signal.removeEventListener('abort', onStop)
      if (!('status' in ticket)) ticket.release()
    }
  }

  return {
    async start(libp2p) {
      if (host !== undefined) return
      stopper = new AbortController()
      await libp2p.handle(
        ROUTE_PROTOCOL,
        (stream, connection) => {
          // Not awaited: libp2p holds the stream's negotiation until the handler returns.
          void handleStream(stream, connection)
        },
        {
          maxInboundStreams: init.maxInboundStreams ?? maxPerPeer + DEFAULT_INBOUND_STREAM_HEADROOM,
          runOnLimitedConnection: init.runOnLimitedConnection ?? false,
        },
      )
      host = libp2p
    },
    async stop() {
      if (host === undefined) return
      await host.unhandle(ROUTE_PROTOCOL)
      host = undefined
      stopper.abort(new Error('The route server stopped.'))
      answerer.clear()
    },
    handleStream,
    get active() {
      return admission.active
    },
  }
}
