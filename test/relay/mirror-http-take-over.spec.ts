/**
 * One slow mirror does not hold the others back: a visitor reads a file's blocks over HTTP from
 * two sources, a real relay that mirrors the site and a mirror that begins every CAR answer and
 * then sends nothing. The first blocks of the file are asked of the stalled one; the relay, once
 * it has nothing left to carry, takes them over, and the whole file is read while the stalled
 * answers are still open (without that, the reader would wait for the stalled source's idle
 * timeout before asking anyone else for them). A stalled CAR whose every block has come from
 * the relay is ended then and gives its place in the page's budget of CARs back at once (without
 * that, it would hold the place until its idle timeout). A mirror whose CAR was taken over whole is
 * asked for no new CAR of that file: its next blocks go to the sources that keep pace (without
 * that, each new CAR given to it would wait out the quiet time before being taken over again).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
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

const FLAGS = ['--mirror-scan-interval', '2s', '--mirror-replicas', '64']
/** Twenty chunks: the fetcher's first CARs split them over both sources. */
const BIG = pattern(20 * 262_144, 4)
/** More chunks than the reader asks at once: it asks for more after the stalled CARs end. */
const LONG = pattern(96 * 262_144, 5)

describe('one slow mirror over HTTP', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher
  let visitor: Visitor
  let stalled: Server
  /** The stalled mirror's CAR requests, and whether each is still open. */
  const asked: { req: IncomingMessage; open: boolean; closed: Promise<void> }[] = []

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(join(dir, 'r'), FLAGS)
    publisher = await startPublisher([relay.tcp])
    visitor = await startVisitor([relay.tcp])
    // A mirror that answers every CAR with its header and then nothing at all.
    stalled = createServer((req, res) => {
      let closed = (): void => {}
      const entry = { req, open: true, closed: new Promise<void>((r) => (closed = r)) }
      asked.push(entry)
      res.on('close', () => {
        entry.open = false
        closed()
      })
      const header = dagCbor.encode({ roots: [], version: 1 })
      res.writeHead(200, {
        'content-type': 'application/vnd.ipld.car; version=1',
        'access-control-allow-origin': '*',
      })
      const prefix = new Uint8Array(varint.encodingLength(header.length))
      varint.encodeTo(header.length, prefix)
      res.write(prefix)
      res.write(header)
    })
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve))
  })

  after(async () => {
    stalled?.closeAllConnections()
    stalled?.close()
    await visitor?.stop()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('reads the blocks a stalled source owes from another source meanwhile', async () => {
    const site = uniqueName('takeover')
    const published = await publisher.publish(site, { '/big.bin': BIG })
    await waitMirrored(visitor, relay, site, published.root)
    const peer = peerIdFromString(relay.peerId)
    const connection = visitor.node.getConnections(peer).find((c) => c.status === 'open')
    assert.ok(connection !== undefined, 'the visitor is connected to the relay')
    const { port } = stalled.address() as AddressInfo
    const inner = createRouteClient(visitor.node)
    const slots = new CarSlots()
    const stalledOrigin = `http://127.0.0.1:${port}`
    // The stalled source first: the file's first blocks, those its reader waits for, go to it.
    const http = httpFirstClient(inner, {
      sources: [
        { peer, connection, limited: false, http: stalledOrigin },
        { peer, connection, limited: false, http: relay.http },
      ],
      slots,
    })
    assert.ok(http !== undefined)
    const body = fetchFile(http, {
      entry: published.manifest.files['/big.bin'],
      peers: [connection],
      concurrency: 32,
    })
    const bytes = await bounded(() => bytesOf(body), 4 * HTTP_BLOCK_TIMEOUT_MS)
    assert.ok(Buffer.compare(bytes, BIG) === 0, 'byte-identical')
    assert.ok(asked.length > 0, 'the stalled source was asked for blocks')
    assert.equal(
      slots.load(stalledOrigin),
      0,
      'the stalled CARs gave their places back once their blocks came from the relay',
    )
    // The page ended the stalled answers (the server only ever writes their headers).
    await bounded(() => Promise.all(asked.map((a) => a.closed)), 4 * HTTP_BLOCK_TIMEOUT_MS)
  })

  it('asks a mirror whose CAR was taken over for no new CAR of the file', async () => {
    const site = uniqueName('takeover-long')
    const published = await publisher.publish(site, { '/long.bin': LONG })
    await waitMirrored(visitor, relay, site, published.root)
    const peer = peerIdFromString(relay.peerId)
    const connection = visitor.node.getConnections(peer).find((c) => c.status === 'open')
    assert.ok(connection !== undefined, 'the visitor is connected to the relay')
    const { port } = stalled.address() as AddressInfo
    const stalledOrigin = `http://127.0.0.1:${port}`
    // The page's own order of events at the stalled source: each CAR asked, each ended.
    const events: ('asked' | 'ended')[] = []
    const get: typeof fetch = (input, init) => {
      if (String(input).startsWith(stalledOrigin)) {
        events.push('asked')
        init?.signal?.addEventListener('abort', () => events.push('ended'), { once: true })
      }
      return fetch(input, init)
    }
    const http = httpFirstClient(createRouteClient(visitor.node), {
      sources: [
        { peer, connection, limited: false, http: stalledOrigin },
        { peer, connection, limited: false, http: relay.http },
      ],
      slots: new CarSlots(),
      fetch: get,
    })
    assert.ok(http !== undefined)
    const body = fetchFile(http, {
      entry: published.manifest.files['/long.bin'],
      peers: [connection],
      concurrency: 32,
    })
    const bytes = await bounded(() => bytesOf(body), 4 * HTTP_BLOCK_TIMEOUT_MS)
    assert.ok(Buffer.compare(bytes, LONG) === 0, 'byte-identical')
    const firstEnded = events.indexOf('ended')
    assert.ok(firstEnded > 0, 'a stalled CAR was taken over and ended')
    assert.deepEqual(
      events.slice(firstEnded).filter((e) => e === 'asked'),
      [],
      `no CAR asked of the stalled source once one was taken over (${events.join(' ')})`,
    )
  })
})
