import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, addFiles, rawCid, type Manifest } from '../../src/core/content/index.ts'
import { concat, utf8 } from '../../src/core/bytes.ts'
import {
  ROUTE_PROTOCOL,
  createRouteClient,
  createRouteServer,
  decodeResponseHeader,
  encodeRequest,
  fetchFile,
  fetchManifest,
  lengthPrefixed,
  type RouteClient,
  type RouteRequest,
  type RouteResponse,
  type RouteServer,
  type RouteServerInit,
  type RouteTarget,
} from '../../src/net/route/index.ts'
import { deepEqual, equal, ok, rejects } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { tcpNode } from './loopback-node.ts'

const SITE = 'mysite:code'
/** Bound of every spec: a hung stream fails the spec instead of the run. */
const SPEC_TIMEOUT = 20_000

/** Byte `i` is `i mod 251`: no two chunks alike. */
function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i + seed) % 251
  return out
}

const FILES: Record<string, Uint8Array> = {
  '/index.html': utf8('<h1>home</h1>'),
  '/docs/index.html': utf8('<h1>docs</h1>'),
  '/docs/guide/intro.html': utf8('<p>intro</p>'),
  '/404.html': utf8('<h1>not here</h1>'),
  '/a b.txt': utf8('space'),
  '/empty.txt': new Uint8Array(0),
  '/big.bin': pattern(12 * CHUNK_SIZE + 12_345),
}

async function bounded<T>(work: () => Promise<T>, ms = SPEC_TIMEOUT): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function bytesOf(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  const reader = body.getReader()
  for (let part = await reader.read(); !part.done; part = await reader.read())
    parts.push(part.value)
  return concat(parts)
}

async function text(res: RouteResponse): Promise<string> {
  return new TextDecoder().decode(await bytesOf(res.body))
}

/** A block store, with optional tampering: a flipped byte in the blocks listed. */
function store(
  blocks: Map<string, Uint8Array>,
  tampered: ReadonlySet<string> = new Set(),
): RouteServerInit['getBlock'] {
  return async (cid) => {
    const bytes = blocks.get(cid.toString())
    if (bytes === undefined || !tampered.has(cid.toString())) return bytes
    const copy = bytes.slice()
    copy[copy.length >> 1] ^= 0x01
    return copy
  }
}

/**
 * Sends raw bytes on a new route stream; returns what comes back until the host closes its
 * side, and how the stream ended: 'reset' by the host, 'closed' by both sides, or still 'open'.
 */
async function rawExchange(
  from: Libp2p,
  to: PeerId,
  send: (stream: Stream) => Promise<void>,
): Promise<{ bytes: Uint8Array; ended: string; ms: number }> {
  const started = Date.now()
  const stream = await from.dialProtocol(to, ROUTE_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
  const closed = new Promise<void>((resolve) =>
    stream.addEventListener('close', () => resolve(), { once: true }),
  )
  const parts: Uint8Array[] = []
  const done = (async () => {
    try {
      for await (const chunk of stream) parts.push(chunk.subarray())
    } catch {
      // a reset ends the read too
    }
  })()
  const sending = send(stream).catch(() => {})
  await done
  const ms = Date.now() - started
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))])
  const ended = stream.status
  stream.abort(new Error('test done'))
  await sending
  return { bytes: concat(parts), ended, ms }
}

/** The response header frame at the start of `bytes`. */
function headerOf(bytes: Uint8Array): ReturnType<typeof decodeResponseHeader> {
  let length = 0
  let i = 0
  for (let factor = 1; ; i++, factor *= 128) {
    length += (bytes[i] & 0x7f) * factor
    if ((bytes[i] & 0x80) === 0) break
  }
  return decodeResponseHeader(bytes.subarray(i + 1, i + 1 + length))
}

describe('/an/route/1.0.0 between two libp2p nodes over TCP', () => {
  let host: Libp2p
  let liar: Libp2p
  let visitor: Libp2p
  let hostServer: RouteServer
  let liarServer: RouteServer
  let client: RouteClient
  let root: CID
  let manifest: Manifest
  const blocks = new Map<string, Uint8Array>()
  const tampered = new Set<string>()

  before(async () => {
    const site = await addFiles(
      Object.entries(FILES).map(([path, content]) => ({ path, content })),
      { onBlock: (cid, bytes) => void blocks.set(cid.toString(), bytes) },
    )
    blocks.set(site.cid.toString(), site.bytes)
    root = site.cid
    manifest = site.manifest
    // Two neighbours: chunks are spread over hosts, so the liar is asked for one of them first.
    tampered.add(manifest.files['/big.bin'].chunks[4].toString())
    tampered.add(manifest.files['/big.bin'].chunks[5].toString())
    ;[host, liar, visitor] = await Promise.all([tcpNode(), tcpNode(), tcpNode()])
    const sites = (): RouteServerInit['sites'] => () => [{ site: SITE, root }]
    hostServer = createRouteServer({ getBlock: store(blocks), sites: sites() })
    liarServer = createRouteServer({ getBlock: store(blocks, tampered), sites: sites() })
    await hostServer.start(host)
    await liarServer.start(liar)
    await visitor.dial(host.getMultiaddrs())
    await visitor.dial(liar.getMultiaddrs())
    client = createRouteClient(visitor)
  })

  after(async () => {
    await hostServer?.stop()
    await liarServer?.stop()
    await Promise.all([host?.stop(), liar?.stop(), visitor?.stop()])
  })

  const get = (
    req: Partial<RouteRequest> & { path: string },
    target?: RouteTarget,
  ): Promise<RouteResponse> =>
    client.request(
      target ?? host.peerId,
      { kind: 'get', site: SITE, root, ...req },
      { signal: AbortSignal.timeout(10_000) },
    )

  it('serves the index page with its type, ETag and length', () =>
    bounded(async () => {
      const res = await get({ path: '/' })
      equal(res.status, 200)
      equal(res.headers['content-type'], 'text/html; charset=utf-8')
      equal(res.headers['content-length'], String(FILES['/index.html'].length))
      equal(res.headers['accept-ranges'], 'bytes')
      equal(res.headers['x-an-root'], root.toString())
      ok(res.headers.etag.startsWith('"b'))
      equal(res.length, FILES['/index.html'].length)
      equal(await text(res), '<h1>home</h1>')
    }))

  it('finds the site by name alone, or by root alone', () =>
    bounded(async () => {
      const byName = await client.request(host.peerId, { kind: 'get', site: SITE, path: '/' })
      equal(await text(byName), '<h1>home</h1>')
      const byRoot = await client.request(host.peerId, { kind: 'get', root, path: '/index.html' })
      equal(await text(byRoot), '<h1>home</h1>')
    }))

  it('serves nested paths, folder index pages and percent-encoded names', () =>
    bounded(async () => {
      equal(await text(await get({ path: '/docs/guide/intro.html' })), '<p>intro</p>')
      equal(await text(await get({ path: '/docs/' })), '<h1>docs</h1>')
      equal(await text(await get({ path: '/a%20b.txt' })), 'space')
      const empty = await get({ path: '/empty.txt' })
      equal(empty.status, 200)
      equal(empty.length, 0)
      equal((await bytesOf(empty.body)).length, 0)
    }))

  it('redirects a folder asked without its trailing slash', () =>
    bounded(async () => {
      const res = await get({ path: '/docs' })
      equal(res.status, 301)
      equal(res.headers.location, '/docs/')
      equal(res.length, 0)
      equal((await bytesOf(res.body)).length, 0)
    }))

  it("answers a missing path with status 404 and the site's 404 page", () =>
    bounded(async () => {
      const res = await get({ path: '/nowhere.html' })
      equal(res.status, 404)
      equal(res.headers['x-an-reason'], 'not-found')
      equal(res.headers['content-type'], 'text/html; charset=utf-8')
      equal(await text(res), '<h1>not here</h1>')
      equal((await get({ path: '/docs/guide/' })).status, 404)
    }))

  it('answers 404 for a site or a root it does not host', () =>
    bounded(async () => {
      const other = await client.request(host.peerId, {
        kind: 'get',
        site: 'other:code',
        path: '/',
      })
      equal(other.status, 404)
      equal(other.headers['x-an-reason'], 'not-hosted')
      const stale = await get({ path: '/', root: (await fetchManifestRoot()).stale })
      equal(stale.status, 404)
      equal(stale.headers['x-an-reason'], 'root-mismatch')
      equal(stale.headers['x-an-root'], root.toString())
    }))

  /** A dag-cbor CID no host holds: a root from an older record. */
  async function fetchManifestRoot(): Promise<{ stale: CID }> {
    const { buildManifest } = await import('../../src/core/content/index.ts')
    const { cid } = await buildManifest([
      { path: '/x.html', size: 1, chunks: [await rawCid(utf8('x'))] },
    ])
    return { stale: cid }
  }

  it('answers Range requests: first bytes, across a chunk boundary, last bytes', () =>
    bounded(async () => {
      const big = FILES['/big.bin']
      const size = big.length
      const first = await get({ path: '/big.bin', headers: { range: 'bytes=0-9' } })
      equal(first.status, 206)
      equal(first.headers['content-range'], `bytes 0-9/${size}`)
      equal(first.headers['content-length'], '10')
      deepEqual(await bytesOf(first.body), big.subarray(0, 10))
      const a = CHUNK_SIZE - 5
      const across = await get({ path: '/big.bin', headers: { range: `bytes=${a}-${a + 9}` } })
      equal(across.status, 206)
      equal(across.headers['content-range'], `bytes ${a}-${a + 9}/${size}`)
      deepEqual(await bytesOf(across.body), big.subarray(a, a + 10))
      const last = await get({ path: '/big.bin', headers: { range: 'bytes=-7' } })
      equal(last.headers['content-range'], `bytes ${size - 7}-${size - 1}/${size}`)
      deepEqual(await bytesOf(last.body), big.subarray(size - 7))
    }))

  it('answers an unsatisfiable range with 416 and the size', () =>
    bounded(async () => {
      const size = FILES['/big.bin'].length
      const res = await get({ path: '/big.bin', headers: { range: `bytes=${size}-` } })
      equal(res.status, 416)
      equal(res.headers['content-range'], `bytes */${size}`)
      equal(res.length, 0)
    }))

  it('answers HEAD with the headers of a GET and no body', () =>
    bounded(async () => {
      const res = await client.request(host.peerId, {
        kind: 'head',
        site: SITE,
        root,
        path: '/big.bin',
      })
      equal(res.status, 200)
      equal(res.headers['content-length'], String(FILES['/big.bin'].length))
      equal(res.headers['content-type'], 'application/octet-stream')
      equal(res.length, 0)
      equal((await bytesOf(res.body)).length, 0)
    }))

  it('answers If-None-Match with 304 when the ETag matches', () =>
    bounded(async () => {
      const { headers } = await get({ path: '/index.html' })
      const res = await get({ path: '/index.html', headers: { 'if-none-match': headers.etag } })
      equal(res.status, 304)
      equal(res.headers.etag, headers.etag)
      equal(res.length, 0)
      const changed = await get({
        path: '/index.html',
        headers: { 'if-none-match': '"bsomethingelse"' },
      })
      equal(changed.status, 200)
      equal(await text(changed), '<h1>home</h1>')
    }))

  it('streams a multi-chunk file of 3 MB with identical bytes', () =>
    bounded(async () => {
      const res = await get({ path: '/big.bin' })
      equal(res.status, 200)
      equal(res.length, FILES['/big.bin'].length)
      deepEqual(await bytesOf(res.body), FILES['/big.bin'])
    }))

  it('serves blocks by CID, verified by the client, and the manifest by its root', () =>
    bounded(async () => {
      const cid = manifest.files['/big.bin'].chunks[3]
      deepEqual(await client.getBlock(host.peerId, cid), blocks.get(cid.toString()))
      deepEqual(await client.getManifest(host.peerId, root), manifest)
      const missing = (await rejects(
        client.getBlock(host.peerId, await rawCid(utf8('absent'))),
        'RouteStatusError',
      )) as {
        status: number
        reason: string
      }
      equal(missing.status, 404)
      equal(missing.reason, 'block-not-found')
    }))

  it('answers a block it holds but no hosted site uses with 404, unless it serves visited blocks', () =>
    bounded(async () => {
      const visited = utf8('a block kept from a visit')
      const cid = await rawCid(visited)
      blocks.set(cid.toString(), visited)
      const mirror = await tcpNode()
      const mirrorServer = createRouteServer({
        getBlock: store(blocks),
        sites: () => [{ site: SITE, root }],
        serveVisitedBlocks: true,
      })
      await mirrorServer.start(mirror)
      try {
        const refused = (await rejects(client.getBlock(host.peerId, cid), 'RouteStatusError')) as {
          status: number
          reason: string
        }
        deepEqual(
          { status: refused.status, reason: refused.reason },
          { status: 404, reason: 'block-not-found' },
        )
        deepEqual(await client.getBlock(mirror.getMultiaddrs(), cid), visited)
      } finally {
        blocks.delete(cid.toString())
        await mirrorServer.stop()
        await mirror.stop()
      }
    }))

  it('fetches a file block by block from hosts, and a verified range of it', () =>
    bounded(async () => {
      const entry = manifest.files['/big.bin']
      deepEqual(
        await bytesOf(fetchFile(client, { entry, peers: [host.peerId] })),
        FILES['/big.bin'],
      )
      const start = 3 * CHUNK_SIZE - 100
      const end = 5 * CHUNK_SIZE + 100
      deepEqual(
        await bytesOf(fetchFile(client, { entry, peers: [host.peerId], start, end })),
        FILES['/big.bin'].subarray(start, end),
      )
      const fetched = await fetchManifest(client, { root, peers: [host.peerId] })
      deepEqual(fetched, manifest)
    }))

  it('detects a tampered block and refuses it from the host that sent it', () =>
    bounded(async () => {
      const bad = manifest.files['/big.bin'].chunks[5]
      const error = (await rejects(
        client.getBlock(liar.peerId, bad),
        'BlockVerificationError',
      )) as { reason: string }
      equal(error.reason, 'hash-mismatch')
    }))

  it('gets the file from an honest host when another sends a tampered block', () =>
    bounded(async () => {
      const dropped: RouteTarget[] = []
      const body = fetchFile(client, {
        entry: manifest.files['/big.bin'],
        peers: [liar.peerId, host.peerId],
        onHostDropped: (peer) => dropped.push(peer),
      })
      deepEqual(await bytesOf(body), FILES['/big.bin'])
      deepEqual(dropped, [liar.peerId])
    }))

  it('errors with BlockVerificationError, never corrupt bytes, when no honest host is left', () =>
    bounded(async () => {
      const body = fetchFile(client, { entry: manifest.files['/big.bin'], peers: [liar.peerId] })
      const reader = body.getReader()
      const received: Uint8Array[] = []
      const error = (await rejects(async () => {
        for (let part = await reader.read(); !part.done; part = await reader.read())
          received.push(part.value)
      }, 'BlockVerificationError')) as { reason: string }
      equal(error.reason, 'hash-mismatch')
      // Chunks 0 to 3 are good; not one byte of chunk 4 (tampered) or later came through.
      const got = concat(received)
      ok(got.length <= 4 * CHUNK_SIZE)
      deepEqual(got, FILES['/big.bin'].subarray(0, got.length))
    }))

  it('errors with HostUnreachableError when no host serves the protocol', () =>
    bounded(async () => {
      await hostServer.stop()
      try {
        const body = fetchFile(client, {
          entry: manifest.files['/index.html'],
          peers: [host.peerId],
        })
        const error = (await rejects(bytesOf(body), 'HostUnreachableError')) as {
          errors: unknown[]
        }
        equal(error.errors.length, 1)
        equal((error.errors[0] as Error).name, 'HostUnreachableError')
      } finally {
        await hostServer.start(host)
      }
    }))
})

describe('/an/route/1.0.0 under hostile requests', () => {
  /** Long enough for honest requests on a loaded machine, far shorter than the drip below. */
  const REQUEST_TIMEOUT = 1_500
  /** Long enough that stalled responses are still open while a test looks at them. */
  const WRITE_TIMEOUT = 5_000
  let host: Libp2p
  let attacker: Libp2p
  let visitor: Libp2p
  let server: RouteServer
  let client: RouteClient
  let root: CID
  const blocks = new Map<string, Uint8Array>()

  before(async () => {
    const site = await addFiles(
      [
        { path: '/index.html', content: utf8('<h1>home</h1>') },
        // Far over a yamux stream window: a reader that stops reading stalls its response.
        { path: '/big.bin', content: pattern(32 * CHUNK_SIZE) },
      ],
      { onBlock: (cid, bytes) => void blocks.set(cid.toString(), bytes) },
    )
    blocks.set(site.cid.toString(), site.bytes)
    root = site.cid
    ;[host, attacker, visitor] = await Promise.all([tcpNode(), tcpNode(), tcpNode()])
    server = createRouteServer({
      getBlock: store(blocks),
      sites: () => [{ site: SITE, root }],
      requestTimeout: REQUEST_TIMEOUT,
      writeTimeout: WRITE_TIMEOUT,
    })
    await server.start(host)
    await attacker.dial(host.getMultiaddrs())
    await visitor.dial(host.getMultiaddrs())
    client = createRouteClient(visitor)
  })

  after(async () => {
    await server?.stop()
    await Promise.all([host?.stop(), attacker?.stop(), visitor?.stop()])
  })

  it('refuses paths that escape the site with 400', () =>
    bounded(async () => {
      for (const path of [
        '/../etc/passwd',
        '/docs/%2e%2e/x',
        '/a%2Fb',
        'index.html',
        '/a\\b',
        '/%00',
      ]) {
        const res = await client.request(host.peerId, { kind: 'get', site: SITE, root, path })
        equal(res.status, 400, path)
        equal(res.headers['x-an-reason'], 'invalid-path')
      }
    }))

  it('refuses a malformed request frame with 400 and its reason', () =>
    bounded(async () => {
      const garbage = await rawExchange(attacker, host.peerId, async (stream) => {
        stream.send(lengthPrefixed(new Uint8Array([0xff, 0xff])))
        await stream.close()
      })
      equal(headerOf(garbage.bytes).status, 400)
      equal(headerOf(garbage.bytes).headers['x-an-reason'], 'not-cbor')
      equal(garbage.ended, 'closed')
      const overlong = await rawExchange(attacker, host.peerId, async (stream) => {
        stream.send(new Uint8Array([0x85, 0x00]))
        await stream.close()
      })
      equal(headerOf(overlong.bytes).headers['x-an-reason'], 'invalid-length')
    }))

  it('answers an oversized request frame with 431 and resets the stream', () =>
    bounded(async () => {
      const { bytes, ended } = await rawExchange(attacker, host.peerId, async (stream) => {
        // Announces 100,000 bytes; the host answers from the prefix, before the bytes arrive.
        stream.send(new Uint8Array([0xa0, 0x8d, 0x06]))
        stream.send(new Uint8Array(16 * 1024))
      })
      const header = headerOf(bytes)
      equal(header.status, 431)
      equal(header.headers['x-an-reason'], 'request-too-large')
      equal(ended, 'reset')
    }))

  it('answers a request that drips in too slowly with 408 after the limit', () =>
    bounded(async () => {
      const frame = lengthPrefixed(encodeRequest({ kind: 'get', site: SITE, root, path: '/' }))
      let stop = false
      let sent = 0
      const { bytes, ended, ms } = await rawExchange(attacker, host.peerId, async (stream) => {
        for (let i = 0; i < frame.length - 1 && !stop; i++) {
          stream.send(frame.subarray(i, i + 1))
          sent++
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }).finally(() => {
        stop = true
      })
      equal(headerOf(bytes).status, 408)
      equal(ended, 'reset')
      ok(ms >= REQUEST_TIMEOUT, `not cut before the limit (${ms} ms)`)
      ok(
        sent < frame.length - 1,
        `cut while still dripping (${sent} of ${frame.length} bytes sent)`,
      )
    }))

  /**
   * Opens `count` streams from `from`, each asking for the 8 MiB file and reading nothing after
   * the response header, so the responses served stall; returns the streams and the statuses.
   */
  async function stalledRequests(
    from: Libp2p,
    to: PeerId,
    count: number,
  ): Promise<{ streams: Stream[]; statuses: number[] }> {
    const request = lengthPrefixed(
      encodeRequest({ kind: 'get', site: SITE, root, path: '/big.bin' }),
    )
    const streams = await Promise.all(
      Array.from({ length: count }, () =>
        from.dialProtocol(to, ROUTE_PROTOCOL, {
          maxOutboundStreams: 200,
          signal: AbortSignal.timeout(5_000),
        }),
      ),
    )
    const statuses = await Promise.all(
      streams.map(async (stream) => {
        const first = new Promise<Uint8Array>((resolve, reject) => {
          stream.addEventListener(
            'message',
            (event) => {
              if (stream.readStatus === 'readable') stream.pause()
              resolve(event.data.subarray())
            },
            { once: true },
          )
          stream.addEventListener('close', () => reject(new Error('closed before a header')), {
            once: true,
          })
        })
        stream.send(request)
        await stream.close()
        return headerOf(await first).status
      }),
    )
    return { streams, statuses }
  }

  it('answers 429 beyond 16 streams from one peer and still serves another peer promptly', () =>
    bounded(async () => {
      // 16 served, then 4 more streams per connection (the headroom) answered with a status.
      const { streams, statuses } = await stalledRequests(attacker, host.peerId, 20)
      try {
        equal(statuses.filter((s) => s === 200).length, 16)
        equal(statuses.filter((s) => s === 429).length, 4)
        ok(server.active >= 16)
        const res = await client.request(host.peerId, { kind: 'get', site: SITE, root, path: '/' })
        equal(await text(res), '<h1>home</h1>')
      } finally {
        for (const stream of streams) stream.abort(new Error('test done'))
      }
    }))

  it('answers 503 beyond the total number of requests in progress', () =>
    bounded(async () => {
      const small = await tcpNode()
      const busy = createRouteServer({
        getBlock: store(blocks),
        sites: () => [{ site: SITE, root }],
        maxConcurrentStreams: 3,
        writeTimeout: WRITE_TIMEOUT,
      })
      await busy.start(small)
      try {
        await attacker.dial(small.getMultiaddrs())
        const { streams, statuses } = await stalledRequests(attacker, small.peerId, 5)
        equal(statuses.filter((s) => s === 200).length, 3)
        equal(statuses.filter((s) => s === 503).length, 2)
        for (const stream of streams) stream.abort(new Error('test done'))
      } finally {
        await busy.stop()
        await small.stop()
      }
    }))

  it('resets a response whose reader stops reading, after the write timeout', () =>
    bounded(async () => {
      const request = lengthPrefixed(
        encodeRequest({ kind: 'get', site: SITE, root, path: '/big.bin' }),
      )
      const stream = await attacker.dialProtocol(host.peerId, ROUTE_PROTOCOL, {
        signal: AbortSignal.timeout(5_000),
      })
      const closed = new Promise<void>((resolve) => {
        stream.addEventListener('close', () => resolve(), { once: true })
      })
      // Paused before the response: the host can fill one stream window, then must wait.
      stream.pause()
      stream.send(request)
      await stream.close()
      // The host gives up on its own (bounded() fails the spec if it never does).
      await closed
      equal(stream.status, 'reset')
      equal(server.active, 0)
    }))
})
