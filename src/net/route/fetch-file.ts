/**
 * Fetching a file from several hosts, verified chunk by chunk: chunks are asked of one host at
 * a time, several in one ranged `get` when the file's address is known (one stream per
 * segment), one `block` request each otherwise, and each is checked against its CID before any
 * byte of it is passed on; a host that sends a wrong byte is dropped for the rest of the fetch
 * and what it still owed is asked of the next host, chunk by chunk.
 * See docs/PROTOCOL.md, "Fetching a file".
 * @module
 */
import type { CID } from 'multiformats/cid'
import {
  BlockVerificationError,
  CHUNK_SIZE,
  chunkLength,
  decodeManifest,
  manifestRefusal,
  readVerified,
  verifyChunk,
  type FileEntry,
  type Manifest,
} from '../../core/content/index.ts'
import type { RouteClient, RouteRequestOptions, RouteTarget } from './client.ts'
import {
  DEFAULT_FETCH_CONCURRENCY,
  DEFAULT_SEGMENT_CHUNKS,
  MAX_SEGMENT_SOURCES,
  REASON_HEADER,
} from './constants.ts'
import { HostUnreachableError, RouteProtocolError, RouteStatusError } from './errors.ts'

/** Where a file is: the site and root the hosts serve it under, and its normalized path. */
export interface FileAddress {
  site: string
  root: CID
  path: string
}

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
   * @default DEFAULT_FETCH_CONCURRENCY, or with `file` enough for a segment under way at each
   * host (up to `MAX_SEGMENT_SOURCES` hosts)
   */
  concurrency?: number
  /**
   * The file's address. With it, chunks are fetched `segmentChunks` at a time with ranged `get`
   * requests, verified chunk by chunk; a host that answers such a request with a status (for
   * example, it serves another root) gets `block` requests for the rest of the fetch.
   */
  file?: FileAddress
  /**
   * Chunks per ranged `get` (with `file`).
   * @default DEFAULT_SEGMENT_CHUNKS
   */
  segmentChunks?: number
  /** Each verified chunk that came from a ranged `get` (chunks fetched by `block` request go through `client.getBlock`). */
  onChunk?(cid: CID, bytes: Uint8Array): void
}

/** A promise with its settling functions (`Promise.withResolvers` is newer than the targets). */
interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
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
      // Requests to it may be under way in parallel: it is reported once.
      if (!(error instanceof RouteStatusError) && !dropped.has(peer)) {
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
  /** Hosts that answered a ranged `get` with a status: `block` requests only. */
  const blocksOnly = new Set<RouteTarget>()
  const {
    entry,
    peers,
    start,
    end,
    signal,
    concurrency,
    file,
    segmentChunks,
    onChunk,
    onHostDropped,
    ...options
  } = init
  const perSegment = Math.max(1, segmentChunks ?? DEFAULT_SEGMENT_CHUNKS)
  const lastChunk = Math.ceil((end ?? entry.size) / CHUNK_SIZE) - 1
  const events: FetchEvents = { onHostDropped }
  /** Chunks promised by a segment under way, by index. */
  const promised = new Map<number, Promise<Uint8Array>>()
  let segmentCount = 0

  const drop = (peer: RouteTarget, error: unknown): void => {
    if (dropped.has(peer)) return
    dropped.add(peer)
    onHostDropped?.(peer, error)
  }

  /** One chunk by `block` request, verified (hash and size). */
  const single = async (index: number, signal: AbortSignal): Promise<Uint8Array> => {
    const bytes = await blockFromAny(client, entry.chunks[index], peers, dropped, index, {
      ...options,
      ...events,
      signal,
    })
    // `getBlock` verified the bytes against the chunk's CID: only their length is left.
    await verifyChunk(entry, index, bytes, { hashed: true })
    return bytes
  }

  /** Reads chunks `first`… of a ranged `get` from `peer`, resolving each once verified; returns how many were. */
  const readSegment = async (
    peer: RouteTarget,
    address: FileAddress,
    first: number,
    owed: Deferred<Uint8Array>[],
    progress: { done: number },
    signal: AbortSignal,
  ): Promise<void> => {
    const from = first * CHUNK_SIZE
    const to = Math.min(entry.size, (first + owed.length) * CHUNK_SIZE)
    const res = await client.request(
      peer,
      { kind: 'get', ...address, headers: { range: `bytes=${from}-${to - 1}` } },
      { ...options, signal },
    )
    if (res.status !== 206) {
      await res.body.cancel()
      throw new RouteStatusError(
        res.status,
        res.headers[REASON_HEADER],
        `The host answered ${res.status} for bytes ${from}-${to - 1} of ${address.path}.`,
      )
    }
    if (res.length !== to - from) {
      await res.body.cancel()
      throw new RouteProtocolError(
        'invalid-field',
        `The host offers ${res.length} bytes for a range of ${to - from}.`,
      )
    }
    const body = res.body.getReader()
    let chunk = new Uint8Array(chunkLength(entry.size, first))
    let filled = 0
    try {
      for (let part = await body.read(); !part.done; part = await body.read()) {
        let bytes = part.value
        while (bytes.length > 0) {
          const n = Math.min(bytes.length, chunk.length - filled)
          chunk.set(bytes.subarray(0, n), filled)
          filled += n
          bytes = bytes.subarray(n)
          if (filled < chunk.length) continue
          const index = first + progress.done
          await verifyChunk(entry, index, chunk)
          onChunk?.(entry.chunks[index], chunk)
          owed[progress.done].resolve(chunk)
          progress.done++
          if (progress.done < owed.length)
            chunk = new Uint8Array(chunkLength(entry.size, first + progress.done))
          filled = 0
        }
      }
    } catch (error) {
      await body.cancel(error).catch(() => {})
      throw error
    }
  }

  /** Starts a segment at chunk `first`: a ranged `get` to one host, `block` requests for what it does not give. */
  const startSegment = (first: number, signal: AbortSignal): void => {
    const count = Math.min(perSegment, lastChunk - first + 1)
    const owed = Array.from({ length: count }, () => deferred<Uint8Array>())
    owed.forEach((o, k) => {
      o.promise.catch(() => {})
      promised.set(first + k, o.promise)
    })
    const seg = segmentCount++
    void (async () => {
      const progress = { done: 0 }
      const candidates = peers.filter((p) => !dropped.has(p) && !blocksOnly.has(p))
      if (file !== undefined && candidates.length > 0) {
        const peer = candidates[seg % candidates.length]
        try {
          await readSegment(peer, file, first, owed, progress, signal)
        } catch (error) {
          const rest = owed.slice(progress.done)
          if (signal.aborted) {
            for (const o of rest) o.reject(signal.reason)
            return
          }
          // A status is an answer (it serves another root, is busy...): blocks from it still do.
          if (error instanceof RouteStatusError) blocksOnly.add(peer)
          else drop(peer, error)
          if (peers.every((p) => dropped.has(p))) {
            const failure =
              error instanceof BlockVerificationError
                ? error
                : new HostUnreachableError(`No host gave chunk ${first + progress.done}.`, {
                    errors: [error],
                  })
            for (const o of rest) o.reject(failure)
            return
          }
        }
      }
      for (let k = progress.done; k < count; k++)
        single(first + k, signal).then(owed[k].resolve, owed[k].reject)
    })()
  }

  return readVerified(
    entry,
    (_cid, { signal, index }) => {
      if (file === undefined) return single(index, signal)
      if (!promised.has(index)) startSegment(index, signal)
      const chunk = promised.get(index) as Promise<Uint8Array>
      promised.delete(index)
      return chunk
    },
    {
      start,
      end,
      signal,
      concurrency:
        concurrency ??
        (file === undefined
          ? DEFAULT_FETCH_CONCURRENCY
          : Math.max(
              DEFAULT_FETCH_CONCURRENCY,
              perSegment * Math.min(peers.length, MAX_SEGMENT_SOURCES),
            )),
      // Every chunk is checked above, where a host that lies can be told apart and dropped.
      verified: true,
    },
  )
}

/** The manifest `root` names, from the first host that sends valid bytes (same rules as `fetchFile`). */
export async function fetchManifest(
  client: RouteClient,
  init: FetchManifestInit,
): Promise<Manifest> {
  const { root, peers, ...options } = init
  // A root refused before is not fetched again.
  const refused = manifestRefusal(root)
  if (refused !== undefined) throw refused
  // getBlock verified the bytes; a manifest that is valid DAG-CBOR of the right hash but not a
  // valid manifest is the publisher's fault, not the host's: MalformedManifestError as is.
  const bytes = await blockFromAny(client, root, peers, new Set(), 0, options)
  return decodeManifest(bytes, root, { verified: true })
}
