/**
 * Mirrored blocks over plain HTTP(S) on the relay's HTTP port, as the IPFS trustless gateway
 * serves raw blocks: `GET /ipfs/<cid>` with `Accept: application/vnd.ipld.raw` (or
 * `?format=raw`) answers the block's bytes, immutable and open to every origin (they are
 * public and content-addressed: a visitor verifies every byte against the CID it asked for).
 * Only blocks the mirror serves over `/an/route/1.0.0` are given out (sites held completely,
 * not revoked or blocked: `mirror-serving.ts`), within a rate per source address block.
 * Many blocks at once: `GET /ipfs/?format=car&cids=<cid>,<cid>,…` (at most `MAX_CAR_BLOCKS`)
 * answers a CAR v1 stream of those the mirror serves, in the order asked, each written as soon
 * as it is read, counted against the same rate as that many single requests; a CID listed more
 * than once is sent and counted once. A CAR is written
 * with backpressure at the route protocol's pace (`Pace`: each wait for the reader at most the
 * write timeout, all of them within a grace plus the bytes taken at the minimum throughput),
 * and ended when its reader falls behind it; a source has at most `MAX_CARS_PER_SOURCE` under
 * way at once.
 * Browsers take this path beside libp2p because a page spends far less CPU on `fetch()` than on
 * Noise and yamux in JavaScript. See docs/PROTOCOL.md, "Blocks over HTTP".
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CID } from 'multiformats/cid'
import { Counter, type Registry } from 'prom-client'
import { DEFAULT_WRITE_TIMEOUT } from '@alternet/net/route'
import { KeyedRateLimit } from '../keyed-rate-limit.ts'
import { sourceOf, type SourcePrefixes } from '../source-subnet.ts'
import { writeCar } from './http-car.ts'

/** The path under which blocks are served: `/ipfs/<cid>`. */
export const HTTP_BLOCKS_PREFIX = '/ipfs/'

/** The media type of a raw block (trustless gateway spec). */
export const RAW_BLOCK_TYPE = 'application/vnd.ipld.raw'

/** The media type of a CAR stream (trustless gateway spec). */
export const CAR_TYPE = 'application/vnd.ipld.car'

/** Most blocks one CAR request may list (`GET /ipfs/?format=car&cids=…`). */
export const MAX_CAR_BLOCKS = 64

/**
 * CAR answers one source address block may have under way at once: a page keeps a few under
 * way at each mirror (`src/net/fetch/http-blocks.ts`), and a stalled reader holds a block in
 * memory.
 */
export const MAX_CARS_PER_SOURCE = 8

/** `Cache-Control` of a block: its bytes never change (a year, as gateways answer). */
export const BLOCK_CACHE_CONTROL = 'public, max-age=29030400, immutable'

/** Seconds of its rate a source may spend at once (a 20 MiB file is 80 blocks). */
export const HTTP_BLOCK_BURST_SECONDS = 4

const SHA2_256 = 0x12
const RAW_CODEC = 0x55
const DAG_CBOR_CODEC = 0x71

/**
 * Where a relay serves its blocks unless `--mirror-http-url` says: `https://<public host>:<port>`
 * with `--https`; on a loopback address, that address (every client on this machine reaches it,
 * where `<public host>` may not resolve outside browsers); else `http://<public host>:<port>`.
 */
export function defaultHttpBlocksUrl(init: {
  host: string
  publicHost: string
  https: boolean
  port: number
}): string {
  const { host, publicHost, https, port } = init
  if (https) return `https://${publicHost}:${port}`
  if (/^127\./.test(host)) return `http://${host}:${port}`
  if (host === '::1') return `http://[::1]:${port}`
  return `http://${publicHost}:${port}`
}

/** What the HTTP block path serves from. */
export interface HttpBlocksInit {
  /** The block's bytes when the mirror serves it (a complete, servable site uses it), else undefined. */
  read(cid: CID): Promise<Uint8Array | undefined>
  /** Blocks per second one source address block may ask for. */
  rate: number
  /** How addresses are grouped into sources. */
  prefixes: SourcePrefixes
  registry: Registry
  /**
   * Longest single wait for a CAR's reader to take bytes, in ms.
   * @default DEFAULT_WRITE_TIMEOUT
   */
  writeTimeout?: number
}

/** Answers a request whose path starts with `HTTP_BLOCKS_PREFIX`. */
export type HttpBlocks = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

/**
 * Open to every origin, with the timing of each answer readable by the page that asked (the
 * browser's Resource Timing: when the request went out, when its answer began), for its own
 * measures; the blocks are public.
 */
const OPEN = {
  'access-control-allow-origin': '*',
  'timing-allow-origin': '*',
  'x-content-type-options': 'nosniff',
}

/** A plain-text answer in words. */
function say(
  res: ServerResponse,
  status: number,
  words: string,
  headers: Record<string, string | number> = {},
): void {
  const body = `${words}\n`
  res.writeHead(status, {
    ...OPEN,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(body)
}

/** The block a path names: a CIDv1 with a sha2-256 hash, raw or DAG-CBOR; else undefined. */
function blockCid(name: string): CID | undefined {
  try {
    const cid = CID.parse(name)
    if (cid.version !== 1 || cid.multihash.code !== SHA2_256) return undefined
    return cid.code === RAW_CODEC || cid.code === DAG_CBOR_CODEC ? cid : undefined
  } catch {
    return undefined
  }
}

/** `cids` without repeats, each where it was first listed. */
function distinct(cids: readonly CID[]): CID[] {
  const seen = new Set<string>()
  return cids.filter((cid) => {
    const key = cid.toString()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Whether the request asks for a raw block (`Accept` or `?format=raw`). */
function wantsRaw(req: IncomingMessage, url: URL): boolean {
  if (url.searchParams.get('format') === 'raw') return true
  const accept = req.headers.accept ?? ''
  return accept.split(',').some((part) => part.split(';')[0].trim() === RAW_BLOCK_TYPE)
}

/** The HTTP block path over `init`. */
export function createHttpBlocks(init: HttpBlocksInit): HttpBlocks {
  const burst = Math.max(1, Math.ceil(init.rate * HTTP_BLOCK_BURST_SECONDS))
  const limit = new KeyedRateLimit({ perSecond: init.rate, burst })
  const answered = new Counter({
    name: 'alternet_relay_mirror_http_blocks_total',
    help: 'Requests for mirrored blocks over HTTP (GET /ipfs/<cid>), by result: served, not-held, limited, refused (not a raw block request)',
    labelNames: ['result'],
    registers: [init.registry],
  })
  const cars = new Counter({
    name: 'alternet_relay_mirror_http_cars_total',
    help: 'CAR answers of many mirrored blocks over HTTP (GET /ipfs/?format=car&cids=…) begun',
    registers: [init.registry],
  })
  const cut = new Counter({
    name: 'alternet_relay_mirror_http_slow_cars_total',
    help: `CAR answers cut short: ended (their reader did not take bytes in time) or refused (the source had ${MAX_CARS_PER_SOURCE} under way)`,
    labelNames: ['result'],
    registers: [init.registry],
  })
  const writeTimeout = init.writeTimeout ?? DEFAULT_WRITE_TIMEOUT
  /** CAR answers under way, by source address block. */
  const underWay = new Map<string, number>()

  /** The listed blocks as a CAR v1 stream (`?format=car&cids=…`). */
  const car = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const names = (url.searchParams.get('cids') ?? '').split(',')
    const cids = names.map(blockCid)
    if (
      url.searchParams.get('format') !== 'car' ||
      names.length > MAX_CAR_BLOCKS ||
      cids.some((cid) => cid === undefined)
    ) {
      answered.inc({ result: 'refused' })
      return say(
        res,
        400,
        `A CAR of blocks is asked as /ipfs/?format=car&cids=<cid>,<cid>,… with at most ${MAX_CAR_BLOCKS} CIDv1s with a sha2-256 hash (raw or DAG-CBOR).`,
      )
    }
    // Each block once, where first listed: a CID listed again is neither sent nor charged again.
    const listed = distinct(cids as CID[])
    const source = sourceOf(req.socket.remoteAddress, init.prefixes)
    const running = underWay.get(source) ?? 0
    if (running >= MAX_CARS_PER_SOURCE) {
      cut.inc({ result: 'refused' })
      return say(
        res,
        429,
        `Too many CAR streams under way from your network (${source}): at most ${MAX_CARS_PER_SOURCE} at once. Try again when one has ended.`,
        { 'retry-after': 1 },
      )
    }
    if (!limit.take(source, listed.length)) {
      answered.inc({ result: 'limited' })
      const wait = Math.max(1, limit.retryAfter(source, listed.length))
      return say(
        res,
        429,
        `Too many blocks asked from your network (${source}): at most ${init.rate} a second. Try again in ${wait} s.`,
        { 'retry-after': wait },
      )
    }
    cars.inc()
    res.writeHead(200, {
      ...OPEN,
      'content-type': `${CAR_TYPE}; version=1`,
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; sandbox",
    })
    if (req.method === 'HEAD') return void res.end()
    underWay.set(source, running + 1)
    try {
      await writeCar(res, listed, {
        read: init.read,
        writeTimeout,
        onBlock: (served) => answered.inc({ result: served ? 'served' : 'not-held' }),
        onSlow: () => cut.inc({ result: 'ended' }),
      })
    } finally {
      const left = (underWay.get(source) ?? 1) - 1
      if (left > 0) underWay.set(source, left)
      else underWay.delete(source)
    }
  }

  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answered.inc({ result: 'refused' })
      return say(res, 405, 'Blocks are read with GET or HEAD.', { allow: 'GET, HEAD' })
    }
    const name = url.pathname.slice(HTTP_BLOCKS_PREFIX.length)
    if (name === '' && url.searchParams.has('cids')) return car(req, res, url)
    const cid = blockCid(name)
    if (cid === undefined) {
      answered.inc({ result: 'refused' })
      return say(
        res,
        400,
        'This relay serves whole blocks only, named by a CIDv1 with a sha2-256 hash (raw or DAG-CBOR): /ipfs/<cid>.',
      )
    }
    if (!wantsRaw(req, url)) {
      answered.inc({ result: 'refused' })
      return say(
        res,
        406,
        `This relay serves blocks as ${RAW_BLOCK_TYPE} only: send that Accept header or add ?format=raw.`,
      )
    }
    const source = sourceOf(req.socket.remoteAddress, init.prefixes)
    if (!limit.take(source)) {
      answered.inc({ result: 'limited' })
      const wait = Math.max(1, limit.retryAfter(source))
      return say(
        res,
        429,
        `Too many blocks asked from your network (${source}): at most ${init.rate} a second. Try again in ${wait} s.`,
        { 'retry-after': wait },
      )
    }
    const bytes = await init.read(cid)
    if (bytes === undefined) {
      answered.inc({ result: 'not-held' })
      return say(
        res,
        404,
        `This relay does not serve block ${cid}: it holds no whole site using it.`,
      )
    }
    const etag = `"${cid.toString()}"`
    const headers = {
      ...OPEN,
      'content-type': RAW_BLOCK_TYPE,
      'cache-control': BLOCK_CACHE_CONTROL,
      etag,
      'x-ipfs-path': `/ipfs/${cid.toString()}`,
      'content-disposition': `attachment; filename="${cid.toString()}.bin"`,
      // The bytes are data, never a page of the relay's origin.
      'content-security-policy': "default-src 'none'; sandbox",
      vary: 'accept',
    }
    answered.inc({ result: 'served' })
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    res.writeHead(200, { ...headers, 'content-length': bytes.length })
    res.end(req.method === 'HEAD' ? undefined : bytes)
  }
}
