/**
 * The host side of `/an/route/1.0.0`: answers file, header and block requests from the sites
 * and blocks this node holds, within limits on request size, request time, write time and
 * concurrent streams, so that no request can stop the host serving others.
 * See docs/PROTOCOL.md, "Server".
 * @module
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Manifest } from '../../core/content/index.ts'
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
import type { PaceInit } from './pace.ts'
import { StreamReader } from './stream-reader.ts'
import { writeReply } from './write-reply.ts'

/** A site this node serves: its canonical name and the content root it serves for it. */
export interface HostedSite {
  site: string
  root: CID
}

/** Where the server finds what it serves. */
export interface RouteServerInit extends PaceInit {
  /** A block from the local store (chunks and manifests alike), or `undefined` when not held. */
  getBlock(cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array | undefined>
  /**
   * Several blocks at once, in order (one store transaction): when given, a file's chunks are
   * read with it, a segment at a time, rather than one `getBlock` each.
   */
  getBlocks?(cids: readonly CID[]): Promise<(Uint8Array | undefined)[]>
  /**
   * A decoded, validated manifest; by default `getBlock(root)` decoded with `decodeManifest`.
   * The server keeps the last few in memory either way.
   */
  getManifest?(root: CID, options: { signal: AbortSignal }): Promise<Manifest | undefined>
  /** The sites served now; read on every file request, so publishing or dropping a site needs no restart. */
  sites(): Iterable<HostedSite> | Promise<Iterable<HostedSite>>
  /**
   * Whether `cid` is a block of a site `sites()` lists (block requests for others get 404).
   * By default, from those sites' manifests: the manifest itself and the chunks it lists.
   */
  hostedBlock?(cid: CID, options: { signal: AbortSignal }): Promise<boolean>
  /**
   * Answer block requests for any block `getBlock` holds, content kept from visits included:
   * this node then mirrors what its person looked at, and any peer can learn which sites those
   * were by asking for their blocks. Off by default: only the blocks of the sites `sites()`
   * lists (their manifests and the chunks those list) are served; others get 404
   * `block-not-found`, as a block not held does.
   * @default false
   */
  serveVisitedBlocks?: boolean
  /**
   * Called when a block request is answered with the block (as its bytes start out), with the
   * peer that asked: hosting counts a site's visits from the requests for its manifest.
   */
  onBlockServed?(cid: CID, peer: PeerId): void
  /**
   * Largest request frame, in bytes; a larger one gets 431 and a reset stream.
   * @default DEFAULT_MAX_REQUEST_SIZE
   */
  maxRequestSize?: number
  /**
   * Time to receive the whole request frame, in ms; then 408 and a reset stream.
   * @default DEFAULT_REQUEST_TIMEOUT
   */
  requestTimeout?: number
  /**
   * Longest single wait for the reader to take more bytes (or for the final flush), in ms; then
   * the stream is reset. The waits of one response together are bounded too: see
   * `minThroughput` and `slowPeerGrace`.
   * @default DEFAULT_WRITE_TIMEOUT
   */
  writeTimeout?: number
  /**
   * Requests one peer may have in progress; more get 429.
   * @default DEFAULT_MAX_STREAMS_PER_PEER
   */
  maxStreamsPerPeer?: number
  /**
   * Requests one remote address group (an IPv4 address, an IPv6 /64) may have in progress,
   * whatever the peer IDs; more get 429. Connections whose address names no IP of the peer
   * (relayed circuits, browser-to-browser WebRTC) count under their peer ID only.
   * @default DEFAULT_MAX_STREAMS_PER_ADDRESS
   */
  maxStreamsPerAddress?: number
  /**
   * Requests in progress across all peers; more get 503.
   * @default DEFAULT_MAX_CONCURRENT_STREAMS
   */
  maxConcurrentStreams?: number
  /**
   * Slots out of `maxConcurrentStreams` kept for newcomers: once only these are left, a request
   * from an address group (or peer) already holding `maxStreamsPerPeer` gets 503.
   * @default a quarter of maxConcurrentStreams (DEFAULT_RESERVED_STREAMS at the defaults)
   */
  reservedStreams?: number
  /**
   * Route streams libp2p accepts per connection before resetting new ones without a status.
   * @default maxStreamsPerPeer + DEFAULT_INBOUND_STREAM_HEADROOM (DEFAULT_MAX_INBOUND_STREAMS)
   */
  maxInboundStreams?: number
  /**
   * Time the visitor has, once the response is sent, to close its side of the stream; then the
   * stream is reset. In ms.
   * @default DEFAULT_HALF_CLOSED_TIMEOUT
   */
  halfClosedTimeout?: number
  /**
   * Serve over limited (relayed) connections too. Off by default: content should not flow
   * through a relay's limited circuit when a direct connection can be made.
   * @default false
   */
  runOnLimitedConnection?: boolean
}

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
