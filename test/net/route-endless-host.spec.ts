/**
 * A visitor facing hostile route answers it must not buffer: a host that sends the block it was
 * asked for and then never stops sending, and a host that announces a block far over the size
 * limit. Real libp2p nodes over TCP; the hostile hosts are hand-written handlers of
 * `/an/route/1.0.0`. The visitor's client fails each with its typed error, within a bound, and
 * then gets the block from an honest host.
 */
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE } from '../../src/core/content/index.ts'
import {
  ROUTE_PROTOCOL,
  createRouteClient,
  encodeResponseHeader,
  lengthPrefixed,
} from '../../src/net/route/index.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { tcpNode } from './loopback-node.ts'
import { requestOf, serveSite, siteBlocks } from './route-host-support.ts'

const SITE = 'mysite:code'
/** Junk the endless host sends per write after the block, and the most writes (bounded run). */
const JUNK = new Uint8Array(64 * 1024).fill(7)
const MAX_JUNK_WRITES = 16_384

describe('a visitor facing a host that never stops sending, or offers a huge block', () => {
  let blocks: Map<string, Uint8Array>
  let chunk: CID
  let honest: Libp2p
  let endless: Libp2p
  let huge: Libp2p
  let visitor: Libp2p
  let stop = false

  before(async () => {
    const content = new Uint8Array(2 * CHUNK_SIZE).map((_, i) => (i * 13) % 251)
    const site = await siteBlocks([{ path: '/big.bin', content }])
    blocks = site.blocks
    chunk = site.manifest.files['/big.bin'].chunks[0]
    ;[honest, endless, huge, visitor] = await Promise.all([
      tcpNode(),
      tcpNode(),
      tcpNode(),
      tcpNode(),
    ])
    await serveSite(honest, SITE, site)
    // Sends the block asked for, then junk until the visitor resets the stream.
    await endless.handle(ROUTE_PROTOCOL, async (stream) => {
      const req = await requestOf(stream)
      const block = req.cid === undefined ? undefined : blocks.get(req.cid.toString())
      if (block === undefined) return void stream.abort(new Error('not a block request'))
      stream.send(
        lengthPrefixed(encodeResponseHeader({ status: 200, headers: {}, length: block.length })),
      )
      stream.send(block)
      for (let i = 0; i < MAX_JUNK_WRITES && !stop && stream.status === 'open'; i++) {
        if (!stream.send(JUNK)) await stream.onDrain().catch(() => undefined)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })
    // Announces a block of 1 GiB, then sends it slowly.
    await huge.handle(ROUTE_PROTOCOL, async (stream) => {
      await requestOf(stream)
      stream.send(
        lengthPrefixed(encodeResponseHeader({ status: 200, headers: {}, length: 2 ** 30 })),
      )
      for (let i = 0; i < MAX_JUNK_WRITES && !stop && stream.status === 'open'; i++) {
        if (!stream.send(JUNK)) await stream.onDrain().catch(() => undefined)
      }
    })
    for (const host of [honest, endless, huge]) await visitor.dial(host.getMultiaddrs())
  })

  after(async () => {
    stop = true
    await Promise.all([honest, endless, huge, visitor].map(async (n) => n?.stop()))
  })

  it('fails a host that sends more than it announced (body-too-long), then gets the block from another', () =>
    bounded(async () => {
      const client = createRouteClient(visitor, { responseTimeout: 5_000 })
      const err = await client.getBlock(endless.peerId, chunk).then(
        () => undefined,
        (e: unknown) => e as { name: string; reason: string },
      )
      ok(err !== undefined, 'the endless host was not failed')
      equal(err.name, 'RouteProtocolError')
      equal(err.reason, 'body-too-long')
      deepEqual(await client.getBlock(honest.peerId, chunk), blocks.get(chunk.toString()))
    }))

  it('refuses a block announced over the size limit before reading it (too-large)', () =>
    bounded(async () => {
      const client = createRouteClient(visitor, { responseTimeout: 5_000 })
      const err = await client.getBlock(huge.peerId, chunk).then(
        () => undefined,
        (e: unknown) => e as { name: string; reason: string },
      )
      ok(err !== undefined, 'the huge block was taken')
      equal(err.name, 'BlockVerificationError')
      equal(err.reason, 'too-large')
      deepEqual(await client.getBlock(honest.peerId, chunk), blocks.get(chunk.toString()))
    }))
})
