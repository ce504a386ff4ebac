/**
 * The visitor side of `/an/route/1.0.0`: one stream per request, the response header frame
 * read within limits, the body streamed with backpressure; blocks and manifests verified
 * against their CIDs before they are returned. See docs/PROTOCOL.md, "Client".
 * @module
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import {
  BlockVerificationError,
  CHUNK_SIZE,
  DAG_CBOR_CODEC,
  MAX_MANIFEST_SIZE,
  RAW_CODEC,
  decodeManifest,
  manifestRefusal,
  verifyBlock,
  type Manifest,
} from '../../core/content/index.ts'
import {
  decodeResponseHeader,
  encodeRequest,
  lengthPrefixed,
  type RouteRequest,
  type RouteResponseHeader,
} from './codec.ts'
import {
  DEFAULT_MAX_OUTBOUND_STREAMS,
  DEFAULT_MAX_RESPONSE_HEADER_SIZE,
  DEFAULT_READ_HIGH_WATER_MARK,
  DEFAULT_RESPONSE_TIMEOUT,
  REASON_HEADER,
  ROUTE_PROTOCOL,
} from './constants.ts'
import {
  HostUnreachableError,
  RequestTimeoutError,
  RouteProtocolError,
  RouteStatusError,
} from './errors.ts'
import { Pace, type PaceInit } from './pace.ts'
import { StreamReader } from './stream-reader.ts'

/** Whom to ask: a peer (dialled if need be), its addresses, or an open connection. */
export type RouteTarget = PeerId | Multiaddr | Multiaddr[] | Connection

/** Options of every client call. */
export interface RouteRequestOptions extends PaceInit {
  /** Aborts the request: the stream is reset and the call (or the body) rejects with the reason. */
  signal?: AbortSignal
  /**
   * Longest wait for the response header, and then for each next part of the body, in ms. The
   * waits for the body together are bounded too: a host slower than `minThroughput` (after
   * `slowPeerGrace`) fails the body with `RequestTimeoutError` (`slow`).
   * @default DEFAULT_RESPONSE_TIMEOUT
   */
  responseTimeout?: number
  /**
   * Largest response header frame accepted, in bytes.
   * @default DEFAULT_MAX_RESPONSE_HEADER_SIZE
   */
  maxHeaderSize?: number
  /**
   * Allow the request over a limited (relayed) connection.
   * @default false
   */
  runOnLimitedConnection?: boolean
}

/** A response: the header frame's fields and the body as a stream of exactly `length` bytes. */
export interface RouteResponse extends RouteResponseHeader {
  /**
   * The body bytes as the host sent them, not verified (a `get` body is only as good as the
   * host; `getBlock` and `fetchFile` verify). Errors with `RouteProtocolError` ('truncated' or
   * 'body-too-long') when the host sends fewer or more bytes than `length`.
   */
  body: ReadableStream<Uint8Array>
}

/** The part of a libp2p node the client uses. */
export type RouteClientHost = Pick<Libp2p, 'dialProtocol'>

/** Options of `createRouteClient`. */
export interface RouteClientInit extends Omit<RouteRequestOptions, 'signal'> {
  /**
   * Route streams opened at once on one connection.
   * @default DEFAULT_MAX_OUTBOUND_STREAMS
   */
  maxOutboundStreams?: number
}

/** Requests to route servers. */
export interface RouteClient {
  /** Sends one request and returns the response header with a streamed body. Throws `HostUnreachableError`, `RequestTimeoutError`, `RouteProtocolError`. */
  request(
    target: RouteTarget,
    request: RouteRequest,
    options?: RouteRequestOptions,
  ): Promise<RouteResponse>
  /**
   * One block by CID, verified against it (`BlockVerificationError` on a mismatch or an
   * oversized block, `RouteStatusError` when the host answers anything but 200).
   */
  getBlock(target: RouteTarget, cid: CID, options?: RouteRequestOptions): Promise<Uint8Array>
  /** The manifest `root` names, verified and validated (`MalformedManifestError` when invalid). */
  getManifest(target: RouteTarget, root: CID, options?: RouteRequestOptions): Promise<Manifest>
}

function isConnection(target: RouteTarget): target is Connection {
  return typeof (target as Connection).newStream === 'function'
}

function maxBlockSize(cid: CID): number {
  if (cid.code === RAW_CODEC) return CHUNK_SIZE
  if (cid.code === DAG_CBOR_CODEC) return MAX_MANIFEST_SIZE
  throw new BlockVerificationError(
    'unsupported-codec',
    `Block ${cid} uses a codec the protocol does not carry.`,
    cid,
  )
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}

/**
 * Creates a route client on a libp2p node.
 * @example
 * ```ts
 * const client = createRouteClient(libp2p)
 * const res = await client.request(hostPeerId, { kind: 'get', site: 'mysite:code', root, path: '/' })
 * const html = await new Response(res.body).text()
 * const block = await client.getBlock(hostPeerId, chunkCid) // verified
 * ```
 */
export function createRouteClient(
  libp2p: RouteClientHost,
  init: RouteClientInit = {},
): RouteClient {
  const maxOutboundStreams = init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS

  async function open(
    target: RouteTarget,
    options: RouteRequestOptions,
    signal: AbortSignal,
  ): Promise<Stream> {
    const streamOptions = {
      signal,
      maxOutboundStreams,
      runOnLimitedConnection:
        options.runOnLimitedConnection ?? init.runOnLimitedConnection ?? false,
    }
    try {
      return isConnection(target)
        ? await target.newStream(ROUTE_PROTOCOL, streamOptions)
        : await libp2p.dialProtocol(target, ROUTE_PROTOCOL, streamOptions)
    } catch (error) {
      if (options.signal?.aborted === true) throw options.signal.reason
      throw new HostUnreachableError(
        `No ${ROUTE_PROTOCOL} stream could be opened: ${toError(error).message}`,
        { cause: error },
      )
    }
  }

  async function request(
    target: RouteTarget,
    req: RouteRequest,
    options: RouteRequestOptions = {},
  ): Promise<RouteResponse> {
    const timeout = options.responseTimeout ?? init.responseTimeout ?? DEFAULT_RESPONSE_TIMEOUT
    const maxHeaderSize =
      options.maxHeaderSize ?? init.maxHeaderSize ?? DEFAULT_MAX_RESPONSE_HEADER_SIZE
    const frame = lengthPrefixed(encodeRequest(req))
    const userSignal = options.signal ?? new AbortController().signal
    const deadline = AbortSignal.timeout(timeout)
    const signal = AbortSignal.any([deadline, userSignal])
    const stream = await open(target, options, signal)
    const reader = new StreamReader(stream, DEFAULT_READ_HIGH_WATER_MARK)
    let headerRead = false
    const fail = (error: unknown): never => {
      reader.dispose()
      const reason = userSignal.aborted
        ? userSignal.reason
        : !headerRead && deadline.aborted
          ? new RequestTimeoutError(`The host sent nothing for ${timeout} ms.`)
          : error
      stream.abort(toError(reason))
      throw reason
    }
    let header: RouteResponseHeader
    try {
      stream.send(frame)
      await stream.close({ signal })
      header = decodeResponseHeader(await reader.readFrame(maxHeaderSize, signal))
    } catch (error) {
      return fail(error)
    }
    headerRead = true
    // Each wait for the body is bounded by `timeout`, and all of them by the pace.
    const pace = new Pace({
      minThroughput: options.minThroughput ?? init.minThroughput,
      slowPeerGrace: options.slowPeerGrace ?? init.slowPeerGrace,
    })
    const read = (max: number): Promise<Uint8Array | null> =>
      // Bytes already queued need no wait, so no timer: a body is mostly read this way.
      reader.queued > 0 && !userSignal.aborted
        ? reader.read(max)
        : pace.wait(header.length - remaining, timeout, userSignal, (timed) =>
            reader.read(max, timed),
          )
    let remaining = header.length
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            if (remaining === 0) {
              // The host closes its side right after the body: anything more breaks the framing.
              const extra = await read(1)
              if (extra !== null)
                throw new RouteProtocolError(
                  'body-too-long',
                  `The host sent more than the ${header.length} bytes it announced.`,
                )
              reader.dispose()
              controller.close()
              return
            }
            const part = await read(Math.min(remaining, CHUNK_SIZE))
            if (part === null)
              throw new RouteProtocolError(
                'truncated',
                `The body ended ${remaining} bytes before its announced length.`,
              )
            remaining -= part.length
            controller.enqueue(part)
          } catch (error) {
            fail(error)
          }
        },
        cancel(reason) {
          reader.dispose()
          stream.abort(toError(reason ?? new Error('The response body was cancelled.')))
        },
      },
      { highWaterMark: 0 },
    )
    return { ...header, body }
  }

  async function getBlock(
    target: RouteTarget,
    cid: CID,
    options: RouteRequestOptions = {},
  ): Promise<Uint8Array> {
    const max = maxBlockSize(cid)
    const res = await request(target, { kind: 'block', cid }, options)
    if (res.status !== 200) {
      await res.body.cancel()
      throw new RouteStatusError(
        res.status,
        res.headers[REASON_HEADER],
        `The host answered ${res.status} for block ${cid}.`,
      )
    }
    if (res.length > max) {
      await res.body.cancel()
      throw new BlockVerificationError(
        'too-large',
        `The host offers ${res.length} bytes for block ${cid}, over the ${max}-byte limit.`,
        cid,
      )
    }
    const bytes = new Uint8Array(res.length)
    let offset = 0
    const body = res.body.getReader()
    for (let part = await body.read(); !part.done; part = await body.read()) {
      bytes.set(part.value, offset)
      offset += part.value.length
    }
    await verifyBlock(cid, bytes)
    return bytes
  }

  async function getManifest(
    target: RouteTarget,
    root: CID,
    options: RouteRequestOptions = {},
  ): Promise<Manifest> {
    // A root refused before is not fetched again.
    const refused = manifestRefusal(root)
    if (refused !== undefined) throw refused
    return decodeManifest(await getBlock(target, root, options), root, { verified: true })
  }

  return { request, getBlock, getManifest }
}
