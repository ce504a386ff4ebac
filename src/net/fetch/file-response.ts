/**
 * A file's answer as a `Response`: the core's HTTP rules (`fileReply`: ETag, 304, Range, 206,
 * 416, HEAD) with a body read from the blocks kept on the device when all are there (verified
 * when kept), else from the request's sources (over HTTP from the mirrors that serve blocks so,
 * `http-blocks.ts`), every block verified before a byte of it is passed on. The body's first
 * part is read before the answer is made, so a failure there becomes an error status instead
 * of a broken body; a small file whose first sources failed is asked again of every source
 * found.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { chunksInRange, type FileEntry } from '../../core/content/index.ts'
import { fileReply } from '../../core/http/index.ts'
import { TIMING_MARKS, timingMark } from '../../origins/shared/timing-marks.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import { fetchFile } from '../route/index.ts'
import type { BlockKeeper } from './block-keeper.ts'
import type { HostConnection } from './connect-hosts.ts'
import { FIRST_SOURCES_MAX_CHUNKS } from './constants.ts'
import { BlockGoneError } from './errors.ts'
import { HTTP_FETCH_CONCURRENCY, httpFirstClient } from './http-blocks.ts'
import { takeFirstChunk } from './first-chunk.ts'
import { readKeptFile } from './kept-file.ts'
import type { FetchContext, RequestSources } from './request-sources.ts'

/** What a file's answer is read with. */
export interface FileResponderInit {
  /** The blocks kept on the device. */
  store?: ContentStore
  /** Keeps the blocks fetched from peers. */
  keeper?: BlockKeeper
  sources: RequestSources
}

/** Answers a file of a request's site. */
export type FileResponder = (
  ctx: FetchContext,
  entry: FileEntry,
  status: 200 | 404,
  method: string,
  headers: Headers,
  path?: string,
) => Promise<Response>

/** The body with its first part already read, so that a failure there becomes an error status. */
async function primed(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader()
  const first = await reader.read()
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (first.done) controller.close()
        else controller.enqueue(first.value)
      },
      async pull(controller) {
        const next = await reader.read()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  )
}

/** The file responder over `init`. */
export function createFileResponder(init: FileResponderInit): FileResponder {
  const { store, keeper, sources } = init
  const { targets, firstTargets, dropped } = sources

  /** True when the store holds every chunk of `entry` in `[start, end)`. */
  async function heldLocally(entry: FileEntry, start: number, end: number): Promise<boolean> {
    if (store === undefined) return false
    return store.hasBlocks(chunksInRange(entry, start, end))
  }

  async function body(
    ctx: FetchContext,
    entry: FileEntry,
    start: number,
    end: number,
    path: string | undefined,
    sourcesOf: (ctx: FetchContext) => Promise<HostConnection[]>,
  ): Promise<ReadableStream<Uint8Array>> {
    const early = await takeFirstChunk(ctx.firstChunk, entry, { start, end, path }, (cid, bytes) =>
      keeper?.keep(ctx.address.site, cid, bytes),
    )
    if (early !== undefined)
      return new ReadableStream({
        start(controller) {
          controller.enqueue(early)
          controller.close()
        },
      })
    if (await heldLocally(entry, start, end)) {
      const local = store as ContentStore
      const gone = (cid: CID): Error =>
        new BlockGoneError(`Block ${cid} left the store while it was read.`)
      // Kept blocks were verified when kept: not hashed again (kept-file.ts).
      return readKeptFile(entry, (cids) => local.readBlocks(cids), {
        start,
        end,
        signal: ctx.signal,
        missing: gone,
      })
    }
    const peers = await sourcesOf(ctx)
    const onHostDropped = dropped(ctx, peers)
    const onChunk = (cid: CID, bytes: Uint8Array): void =>
      keeper?.keep(ctx.address.site, cid, bytes)
    // Mirrors that serve blocks over HTTP carry them, block by block, libp2p behind them.
    const http = httpFirstClient(ctx.client, {
      sources: peers,
      onDropped: onHostDropped,
      onBlock: onChunk,
    })
    return fetchFile(http ?? ctx.client, {
      entry,
      peers: peers.map((p) => p.connection),
      start,
      end,
      signal: ctx.signal,
      onHostDropped,
      // With its path, chunks come several to a stream, by ranged requests for the file.
      ...(path === undefined || http !== undefined
        ? {}
        : { file: { site: ctx.address.site, root: ctx.root, path } }),
      ...(http === undefined ? {} : { concurrency: HTTP_FETCH_CONCURRENCY }),
      onChunk,
    })
  }

  /** The core's answer for a file, as a `Response` whose body is read (verified) from its sources. */
  return async function fileResponse(
    ctx: FetchContext,
    entry: FileEntry,
    status: 200 | 404,
    method: string,
    headers: Headers,
    path?: string,
  ): Promise<Response> {
    const head = await fileReply(
      entry,
      { method, ifNoneMatch: headers.get('if-none-match'), range: headers.get('range') },
      { status, root: ctx.root.toString(), headers: { 'cache-control': 'no-cache' } },
    )
    if (head.bytes === undefined)
      return new Response(null, { status: head.status, headers: head.headers })
    const { start, end } = head.bytes
    // One chunk (a page, a style sheet, a script) needs one source: the first to answer, with
    // no grace for the others (the grace spreads a larger file's chunks over more sources).
    const small = chunksInRange(entry, start, end).length <= FIRST_SOURCES_MAX_CHUNKS
    let stream: ReadableStream<Uint8Array>
    try {
      stream = await primed(
        await body(ctx, entry, start, end, path, small ? firstTargets : targets),
      )
      if (ctx.firstOfVisit === true) timingMark(TIMING_MARKS.firstBytes)
    } catch (error) {
      ctx.signal?.throwIfAborted()
      if (!small || ctx.looking === undefined) throw error
      // The first sources failed (or lied): every source found, after the grace, is asked.
      const first = await firstTargets(ctx)
      const all = await targets(ctx)
      if (all.every((p) => first.includes(p))) throw error
      stream = await primed(await body(ctx, entry, start, end, path, targets))
    }
    return new Response(stream, { status: head.status, headers: head.headers })
  }
}
