import type { Libp2p } from '@libp2p/interface'
import { CHUNK_SIZE, type Manifest } from '../../src/core/content/index.ts'
import { concat } from '../../src/core/bytes.ts'
import {
  ROUTE_PROTOCOL,
  createRouteClient,
  encodeResponseHeader,
  fetchFile,
  lengthPrefixed,
  type RouteTarget,
} from '../../src/net/route/index.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { tcpNode } from './loopback-node.ts'
import { serveSite, siteBlocks } from './route-host-support.ts'

const SITE = 'mysite:code'
/** How often the slow host sends its next byte: well within the client's per-read timeout. */
const DRIP_EVERY = 100

function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 7) % 251
  return out
}

describe('a visitor facing a host that drips its answers', () => {
  const file = pattern(3 * CHUNK_SIZE)
  let manifest: Manifest
  let honest: Libp2p
  let slow: Libp2p
  let visitor: Libp2p
  let stopDripping = false

  before(async () => {
    const site = await siteBlocks([{ path: '/big.bin', content: file }])
    manifest = site.manifest
    ;[honest, slow, visitor] = await Promise.all([tcpNode(), tcpNode(), tcpNode()])
    await serveSite(honest, SITE, site)
    // The slow host announces a whole chunk, then sends it one byte at a time.
    await slow.handle(ROUTE_PROTOCOL, async (stream) => {
      stream.addEventListener('message', () => {}, { once: true })
      const header = { status: 200, headers: {}, length: CHUNK_SIZE }
      stream.send(lengthPrefixed(encodeResponseHeader(header)))
      for (let i = 0; i < CHUNK_SIZE && !stopDripping && stream.status === 'open'; i++) {
        stream.send(new Uint8Array([i % 251]))
        await new Promise((resolve) => setTimeout(resolve, DRIP_EVERY))
      }
    })
    await visitor.dial(honest.getMultiaddrs())
    await visitor.dial(slow.getMultiaddrs())
  })

  after(async () => {
    stopDripping = true
    await Promise.all([honest?.stop(), slow?.stop(), visitor?.stop()])
  })

  it('drops a host slower than the minimum throughput and gets the file from another', () =>
    bounded(async () => {
      const client = createRouteClient(visitor, {
        responseTimeout: 2_000,
        minThroughput: 64 * 1024,
        slowPeerGrace: 300,
      })
      const dropped: { host: RouteTarget; error: unknown }[] = []
      const body = fetchFile(client, {
        entry: manifest.files['/big.bin'],
        peers: [slow.peerId, honest.peerId],
        onHostDropped: (host, error) => dropped.push({ host, error }),
      })
      const parts: Uint8Array[] = []
      const reader = body.getReader()
      for (let part = await reader.read(); !part.done; part = await reader.read())
        parts.push(part.value)
      deepEqual(concat(parts), file)
      equal(dropped.length, 1)
      ok(dropped[0].host === slow.peerId, 'the slow host was dropped')
      const error = dropped[0].error as { name: string; slow: boolean }
      equal(error.name, 'RequestTimeoutError')
      equal(error.slow, true)
    }))
})
