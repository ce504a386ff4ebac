/**
 * The requests a page makes of a mirror's blocks over HTTP (docs/PROTOCOL.md "Blocks over
 * HTTP"): one block alone (`GET /ipfs/<cid>`, verified before it is given), or many as one CAR
 * stream (`GET /ipfs/?format=car&cids=…`, each CID listed once). Neither is kept in the HTTP
 * cache (verified blocks are kept in the device's block store), nor sent with credentials or a
 * referrer.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { verifyBlock } from '../../core/content/index.ts'

/** The media type of a raw block (trustless gateway spec). */
export const RAW_BLOCK_TYPE = 'application/vnd.ipld.raw'

/** The media type of a CAR stream (trustless gateway spec). */
export const CAR_TYPE = 'application/vnd.ipld.car'

/** Longest wait for one block over HTTP before its source is dropped, in ms. */
export const HTTP_BLOCK_TIMEOUT_MS = 10_000

const QUIET: RequestInit = {
  // Kept in the device's block store once verified: not a second copy in the HTTP cache.
  cache: 'no-store',
  credentials: 'omit',
  referrerPolicy: 'no-referrer',
}

/** One block from `origin`, verified. */
export async function readBlock(
  get: typeof fetch,
  origin: string,
  cid: CID,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(HTTP_BLOCK_TIMEOUT_MS)
  const res = await get(`${origin}/ipfs/${cid.toString()}`, {
    ...QUIET,
    headers: { accept: RAW_BLOCK_TYPE },
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

/** The URL of a CAR of `cids` from `origin`, each CID once, in the order first listed. */
export function carUrl(origin: string, cids: readonly CID[]): string {
  const listed = new Set(cids.map((cid) => cid.toString()))
  return `${origin}/ipfs/?format=car&cids=${[...listed].join(',')}`
}

/** The body of a CAR of `cids` from `origin`; throws (the body given up) on any other answer. */
export async function openCar(
  get: typeof fetch,
  origin: string,
  cids: readonly CID[],
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const res = await get(carUrl(origin, cids), {
    ...QUIET,
    headers: { accept: CAR_TYPE },
    signal,
  })
  if (res.status !== 200 || res.body === null) {
    await res.body?.cancel().catch(() => {})
    throw new Error(`${origin} answered ${res.status} for ${cids.length} blocks.`)
  }
  return res.body
}
