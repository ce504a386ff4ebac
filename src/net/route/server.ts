/**
 * The host side of `/an/route/1.0.0`: answers file, header and block requests from the sites
 * and blocks this node holds, within limits on request size, request time, write time and
 * concurrent streams, so that no request can stop the host serving others.
 * See docs/PROTOCOL.md, "Server".
 * @module
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Manifest } from '../../core/content/index.ts'
import { MissingBlockError, createAnswerer, reply, type Reply } from './answer.ts'
import { decodeRequest, encodeResponseHeader, lengthPrefixed, type RouteRequest } from './codec.ts'
import {
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_INBOUND_STREAMS,
  DEFAULT_MAX_REQUEST_SIZE,
  DEFAULT_MAX_STREAMS_PER_PEER,
  DEFAULT_REQUEST_TIMEOUT,
  DEFAULT_WRITE_TIMEOUT,
  ROUTE_PROTOCOL,
} from './constants.ts'
import { RouteProtocolError } from './errors.ts'
import { StreamReader } from './stream-reader.ts'

/** A site this node serves: its canonical name and the content root it serves for it. */
export interface HostedSite {
  site: string
  root: CID
}

/** Where the server finds what it serves. */
export interface RouteServerInit {
  /** A block from the local store (chunks and manifests alike), or `undefined` when not held. */
  getBlock(cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array | undefined>
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
   * Longest wait for the reader to take more bytes (or for the final flush), in ms; then the
   * stream is reset.
   * @default DEFAULT_WRITE_TIMEOUT
   */
  writeTimeout?: number
  /**
   * Requests one peer may have in progress; more get 429.
   * @default DEFAULT_MAX_STREAMS_PER_PEER
   */
  maxStreamsPerPeer?: number
  /**
   * Requests in progress across all peers; more get 503.
   * @default DEFAULT_MAX_CONCURRENT_STREAMS
   */
  maxConcurrentStreams?: number
  /**
   * Route streams libp2p accepts per connection before resetting new ones without a status.
   * @default DEFAULT_MAX_INBOUND_STREAMS
   */
  maxInboundStreams?: number
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
  /** Requests in progress now. */
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
  const maxPerPeer = init.maxStreamsPerPeer ?? DEFAULT_MAX_STREAMS_PER_PEER
  const maxTotal = init.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS
  const perPeer = new Map<string, number>()
  let active = 0
  let host: RouteServerHost | undefined
  let stopper = new AbortController()
  const answerer = createAnswerer(init)

  async function readRequest(stream: Stream, signal: AbortSignal): Promise<RouteRequest | Reply> {
    const reader = new StreamReader(stream, maxRequestSize)
    const deadline = AbortSignal.timeout(requestTimeout)
    try {
      return decodeRequest(
        await reader.readFrame(maxRequestSize, AbortSignal.any([deadline, signal])),
      )
    } catch (error) {
      if (signal.aborted) throw error
      if (deadline.aborted) return { ...reply(408, 'request-timeout'), reset: true }
      if (error instanceof RouteProtocolError) {
        if (error.reason === 'frame-too-large')
          return { ...reply(431, 'request-too-large'), reset: true }
        if (error.reason === 'truncated') throw error
        return { ...reply(400, error.reason), reset: error.reason === 'invalid-length' }
      }
      throw error
    } finally {
      // Bytes after the request frame are not read; the stream's own buffer limit bounds them.
      reader.dispose()
    }
  }

  async function send(stream: Stream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    if (!stream.send(bytes)) {
      await stream.onDrain({ signal: AbortSignal.any([AbortSignal.timeout(writeTimeout), signal]) })
    }
  }

  async function write(stream: Stream, result: Reply, signal: AbortSignal): Promise<void> {
    let body: ReadableStreamDefaultReader<Uint8Array> | undefined
    let first: Uint8Array | undefined
    if (result.body instanceof Uint8Array) {
      first = result.body
    } else if (result.body !== undefined) {
      // The first block is read before the header goes out, so a block missing from the store
      // becomes a status rather than a reset.
      body = result.body.getReader()
      try {
        const chunk = await body.read()
        first = chunk.value
      } catch (error) {
        const reason = error instanceof MissingBlockError ? 'block-unavailable' : 'block-corrupt'
        if (signal.aborted) throw error
        result = reply(503, reason)
        body = undefined
      }
    }
    try {
      await send(stream, lengthPrefixed(encodeResponseHeader(result)), signal)
      if (first !== undefined) await send(stream, first, signal)
      while (body !== undefined) {
        const chunk = await body.read()
        if (chunk.done) break
        await send(stream, chunk.value, signal)
      }
    } finally {
      body?.cancel().catch(() => {})
    }
    await stream.close({ signal: AbortSignal.any([AbortSignal.timeout(writeTimeout), signal]) })
    if (result.reset === true)
      stream.abort(
        new RouteProtocolError('truncated', `Request refused with status ${result.status}.`),
      )
  }

  async function serve(stream: Stream, signal: AbortSignal): Promise<void> {
    const request = await readRequest(stream, signal)
    if ('status' in request) return write(stream, request, signal)
    let result: Reply
    try {
      result = await answerer.answer(request, signal)
    } catch (error) {
      if (signal.aborted) throw error
      result = reply(500, 'internal-error')
    }
    await write(stream, result, signal)
  }

  async function handleStream(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const signal = stopper.signal
    const count = perPeer.get(peer) ?? 0
    try {
      if (active >= maxTotal) return await write(stream, reply(503, 'busy'), signal)
      if (count >= maxPerPeer) return await write(stream, reply(429, 'too-many-streams'), signal)
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)))
      return
    }
    active++
    perPeer.set(peer, count + 1)
    // One controller per response: stop() or a failed write ends its block reads too.
    const response = new AbortController()
    const onStop = (): void => response.abort(signal.reason)
    signal.addEventListener('abort', onStop, { once: true })
    try {
      await serve(stream, response.signal)
    } catch (error) {
      response.abort(error)
      stream.abort(error instanceof Error ? error : new Error(String(error)))
    } finally {
      signal.removeEventListener('abort', onStop)
      active--
      const left = (perPeer.get(peer) ?? 1) - 1
      if (left === 0) perPeer.delete(peer)
      else perPeer.set(peer, left)
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
          maxInboundStreams: init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS,
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
      return active
    },
  }
}
