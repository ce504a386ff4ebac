/**
 * Fetching a file from several hosts, verified block by block: each chunk is asked of one
 * host at a time by CID and checked before any byte of it is passed on; a host that sends a
 * wrong byte is dropped for the rest of the fetch and the chunk is asked of the next host.
 * See docs/PROTOCOL.md, "Fetching a file".
 * @module
 */
import type { CID } from 'multiformats/cid'
import {
  BlockVerificationError,
  decodeManifest,
  readVerified,
  type FileEntry,
  type Manifest,
} from '../../core/content/index.ts'
import type { RouteClient, RouteRequestOptions, RouteTarget } from './client.ts'
import { DEFAULT_FETCH_CONCURRENCY } from './constants.ts'
import { HostUnreachableError, RouteStatusError } from './errors.ts'

/** What `fetchFile` reports about the hosts it used. */
export interface FetchEvents {
  /** A host sent wrong bytes, broke the protocol or could not be reached: it is not asked again in this fetch. */
  onHostDropped?(host: RouteTarget, error: unknown): void
}

/** Options of `fetchFile`. */
export interface FetchFileInit extends Omit<RouteRequestOptions, 'signal'>, FetchEvents {
  /** The file's manifest entry (from a verified manifest). */
  entry: FileEntry
  /** Hosts to ask, in order of preference. */
  peers: readonly RouteTarget[]
  /**
   * First byte to return.
   * @default 0
   */
  start?: number
  /**
   * Byte after the last one to return (exclusive).
   * @default entry.size
   */
  end?: number
  /** Stops the fetch: the stream errors with the signal's reason and requests under way are reset. */
  signal?: AbortSignal
  /**
   * Chunks requested at once, ahead of the one being returned.
   * @default DEFAULT_FETCH_CONCURRENCY
   */
  concurrency?: number
}

/** Options of `fetchManifest`. */
export interface FetchManifestInit extends Omit<RouteRequestOptions, 'signal'>, FetchEvents {
  root: CID
  peers: readonly RouteTarget[]
  signal?: AbortSignal
}

/**
 * One block from the first host that has it and sends the right bytes. Hosts in `dropped` are
 * skipped; a host that sends wrong bytes is added to it. Throws `BlockVerificationError` when
 * every host asked sent wrong bytes, `HostUnreachableError` (with `errors`) otherwise.
 */
async function blockFromAny(
  client: RouteClient,
  cid: CID,
  peers: readonly RouteTarget[],
  dropped: Set<RouteTarget>,
  first: number,
  options: RouteRequestOptions & FetchEvents,
): Promise<Uint8Array> {
  const errors: unknown[] = []
  for (let i = 0; i < peers.length; i++) {
    const peer = peers[(first + i) % peers.length]
    if (dropped.has(peer)) continue
    try {
      return await client.getBlock(peer, cid, options)
    } catch (error) {
      if (options.signal?.aborted === true) throw options.signal.reason
      errors.push(error)
      // A status (busy, block not held) is an answer: the host stays for other chunks. Wrong
      // bytes, a broken frame, no stream or no answer in time drop it for the rest of the fetch.
      if (!(error instanceof RouteStatusError)) {
        dropped.add(peer)
        options.onHostDropped?.(peer, error)
      }
    }
  }
  if (errors.length > 0 && errors.every((e) => e instanceof BlockVerificationError)) {
    throw errors[errors.length - 1]
  }
  throw new HostUnreachableError(
    errors.length === 0 ? `No host is left to ask for block ${cid}.` : `No host gave block ${cid}.`,
    { errors },
  )
}

/**
 * Streams bytes `[start, end)` of a file from `peers`, every chunk verified (hash and size)
 * before any of its bytes is enqueued. Chunks are spread over the hosts; a host that sends a
 * wrong byte, breaks the protocol or cannot be reached is dropped and the chunk is asked of the next. The stream
 * errors with `BlockVerificationError` when every host left sent wrong bytes for a chunk, or
 * `HostUnreachableError` when no host could give it.
 * @example
 * ```ts
 * const body = fetchFile(client, { entry, peers: record.hosts, start: 0, end: 1024, signal })
 * return new Response(body, { headers: { 'content-type': entry.type } })
 * ```
 */
export function fetchFile(client: RouteClient, init: FetchFileInit): ReadableStream<Uint8Array> {
  const dropped = new Set<RouteTarget>()
  const index = new Map<string, number>()
  init.entry.chunks.forEach((cid, i) => index.set(cid.toString(), i))
  const { entry, peers, start, end, signal, concurrency, ...options } = init
  return readVerified(
    entry,
    (cid, { signal }) =>
      blockFromAny(client, cid, peers, dropped, index.get(cid.toString()) ?? 0, {
        ...options,
        signal,
      }),
    { start, end, signal, concurrency: concurrency ?? DEFAULT_FETCH_CONCURRENCY },
  )
}

/** The manifest `root` names, from the first host that sends valid bytes (same rules as `fetchFile`). */
export async function fetchManifest(
  client: RouteClient,
  init: FetchManifestInit,
): Promise<Manifest> {
  const { root, peers, ...options } = init
  // getBlock verified the bytes; a manifest that is valid DAG-CBOR of the right hash but not a
  // valid manifest is the publisher's fault, not the host's: MalformedManifestError as is.
  return decodeManifest(await blockFromAny(client, root, peers, new Set(), 0, options))
}
