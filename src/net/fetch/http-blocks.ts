/**
 * Blocks of a file from mirrors over plain HTTP, beside libp2p: a relay that mirrors a site
 * also serves its blocks as the IPFS trustless gateway serves raw blocks (`GET /ipfs/<cid>`,
 * docs/PROTOCOL.md "Blocks over HTTP"), and a page spends far less CPU on `fetch()` than on
 * Noise, yamux and route frames in JavaScript. Each block is asked of the next HTTP source in
 * turn and verified against its CID before it is used; a source that sends a wrong byte, fails
 * or answers anything but the block is dropped from HTTP for the rest of the fetch (one that
 * lied is reported as a lying host is), and when none is left blocks are asked over libp2p.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { BlockVerificationError, verifyBlock } from '../../core/content/index.ts'
import type { RouteClient, RouteRequestOptions, RouteTarget } from '../route/index.ts'
import type { HostConnection } from './connect-hosts.ts'

/** The media type of a raw block (trustless gateway spec). */
export const RAW_BLOCK_TYPE = 'application/vnd.ipld.raw'

/** Longest wait for one block over HTTP before its source is dropped, in ms. */
export const HTTP_BLOCK_TIMEOUT_MS = 10_000

/** Blocks asked at once when HTTP sources carry a file (the browser queues past its per-host limit). */
export const HTTP_FETCH_CONCURRENCY = 32

/** What an HTTP-first client reads with and reports to. */
export interface HttpBlocksInit {
  /** The request's sources; those with an `http` origin are asked first. */
  sources: readonly HostConnection[]
  /** A source sent wrong bytes (`connection` is its libp2p connection); it is not asked again. */
  onDropped?(connection: RouteTarget, error: unknown): void
  /** Each block read and verified over HTTP (to keep it, as blocks from libp2p are kept). */
  onBlock?(cid: CID, bytes: Uint8Array): void
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

/** One block from `origin`, verified. */
async function readBlock(
  get: typeof fetch,
  origin: string,
  cid: CID,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(HTTP_BLOCK_TIMEOUT_MS)
  const res = await get(`${origin}/ipfs/${cid.toString()}`, {
    headers: { accept: RAW_BLOCK_TYPE },
    // Kept in the device's block store once verified: not a second copy in the HTTP cache.
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
  })
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {})
    throw new Error(`${origin} answered ${res.status} for block ${cid}.`)
  }
  const bytes = new Uint8Array(await res.arrayBuffer())
  await verifyBlock(cid, bytes)
  return bytes
}

/**
 * A client that reads each block from the HTTP sources among `init.sources` first and falls back
 * to `inner` (libp2p); undefined when no source serves over HTTP.
 */
export function httpFirstClient(inner: RouteClient, init: HttpBlocksInit): RouteClient | undefined {
  const live = init.sources.filter((s) => s.http !== undefined)
  if (live.length === 0) return undefined
  const get = init.fetch ?? globalThis.fetch.bind(globalThis)
  let turn = 0

  const drop = (source: HostConnection, error: unknown): void => {
    const at = live.indexOf(source)
    if (at < 0) return
    live.splice(at, 1)
    // Only a lie is the mirror's fault: its libp2p side may still serve when HTTP does not.
    if (error instanceof BlockVerificationError) init.onDropped?.(source.connection, error)
  }

  const getBlock: RouteClient['getBlock'] = async (
    target: RouteTarget,
    cid: CID,
    options: RouteRequestOptions = {},
  ) => {
    while (live.length > 0) {
      const source = live[turn++ % live.length]
      try {
        const bytes = await readBlock(get, source.http!, cid, options.signal)
        init.onBlock?.(cid, bytes)
        return bytes
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason
        drop(source, error)
      }
    }
    return inner.getBlock(target, cid, options)
  }

  return { request: inner.request, getBlock, getManifest: inner.getManifest }
}
