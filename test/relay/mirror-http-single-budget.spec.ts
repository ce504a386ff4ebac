/**
 * Blocks asked alone over HTTP keep to the page's budget per mirror, as its CARs do: a visitor
 * reads a file through a mirror whose CARs carry nothing (each block is then asked alone,
 * `GET /ipfs/<cid>`) and which forwards each single block from a real relay that mirrors the
 * site. The mirror never has more single blocks under way at once than the budget lets the page
 * have (without that, every block a CAR left out is asked at the same moment).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { varint } from 'multiformats'
import * as dagCbor from '@ipld/dag-cbor'
import { CarSlots } from '../../src/net/fetch/car-slots.ts'
import { HTTP_BLOCK_TIMEOUT_MS } from '../../src/net/fetch/http-block-read.ts'
import { httpFirstClient } from '../../src/net/fetch/http-blocks.ts'
import { createRouteClient, fetchFile } from '../../src/net/route/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { bounded, bytesOf, pattern } from '../net/hosting-support.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

/** A rate no file here comes near: the relay answers every single block it is asked for. */
const FLAGS = [
  '--mirror-scan-interval',
  '2s',
  '--mirror-replicas',
  '64',
  '--mirror-http-rate',
  '100000',
]
/** Twelve chunks, all asked at once. */
const FILE = pattern(12 * 262_144, 7)
/** The page's budget at the mirror in this spec. */
const BUDGET = 2

describe('single blocks over HTTP within the page’s budget', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher
  let visitor: Visitor
  let mirror: Server
  let open = 0
  let mostOpen = 0
  let singles = 0

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(join(dir, 'r'), FLAGS)
    publisher = await startPublisher([relay.tcp])
    visitor = await startVisitor([relay.tcp])
    mirror = createServer((req, res) => {
      const headers = { 'access-control-allow-origin': '*' }
      if (req.url?.startsWith('/ipfs/?') === true) {
        // A CAR of no block at all: each block it lists is then asked alone.
        const header = dagCbor.encode({ roots: [], version: 1 })
        const prefix = new Uint8Array(varint.encodingLength(header.length))
        varint.encodeTo(header.length, prefix)
        res.writeHead(200, { ...headers, 'content-type': 'application/vnd.ipld.car; version=1' })
        res.end(Buffer.concat([prefix, header]))
        return
      }
      singles++
      mostOpen = Math.max(mostOpen, ++open)
      res.on('close', () => open--)
      void fetch(`${relay.http}${req.url}`, { headers: { accept: 'application/vnd.ipld.raw' } })
        .then(async (answer) => {
          const bytes = Buffer.from(await answer.arrayBuffer())
          res.writeHead(answer.status, { ...headers, 'content-type': 'application/vnd.ipld.raw' })
          res.end(bytes)
        })
        .catch(() => res.destroy())
    })
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve))
  })

  after(async () => {
    mirror?.closeAllConnections()
    mirror?.close()
    await visitor?.stop()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('never has more blocks under way at a mirror than the budget', async () => {
    const site = uniqueName('singles')
    const published = await publisher.publish(site, { '/file.bin': FILE })
    await waitMirrored(visitor, relay, site, published.root)
    const peer = peerIdFromString(relay.peerId)
    const connection = visitor.node.getConnections(peer).find((c) => c.status === 'open')
    assert.ok(connection !== undefined, 'the visitor is connected to the relay')
    const { port } = mirror.address() as AddressInfo
    const origin = `http://127.0.0.1:${port}`
    const slots = new CarSlots(BUDGET)
    const http = httpFirstClient(createRouteClient(visitor.node), {
      sources: [{ peer, connection, limited: false, http: origin }],
      slots,
    })
    assert.ok(http !== undefined)
    const body = fetchFile(http, {
      entry: published.manifest.files['/file.bin'],
      peers: [connection],
      concurrency: 32,
    })
    const bytes = await bounded(() => bytesOf(body), 4 * HTTP_BLOCK_TIMEOUT_MS)
    assert.ok(Buffer.compare(bytes, FILE) === 0, 'byte-identical')
    assert.ok(singles >= 12, `every block was asked alone of the mirror (${singles})`)
    assert.ok(mostOpen <= BUDGET, `${mostOpen} single blocks under way at once`)
    assert.equal(slots.load(origin), 0)
  })
})
