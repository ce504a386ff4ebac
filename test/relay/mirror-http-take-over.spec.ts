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
 * that, each new CAR given to it would wait out the quiet time before being taken over again),
 * nor does a CAR already given to it that waits its turn there go out when its place comes back
 * (without that, the place freed by the CAR taken over went to the next CAR waiting at it).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CarSlots } from '../../src/net/fetch/car-slots.ts'
import { HTTP_BLOCK_TIMEOUT_MS } from '../../src/net/fetch/http-block-read.ts'
import { MAX_CAR_BLOCKS, httpFirstClient } from '../../src/net/fetch/http-blocks.ts'
import { createRouteClient, fetchFile } from '../../src/net/route/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { bounded, bytesOf, pattern } from '../net/hosting-support.ts'
import { emptyCarHeader, startMirrorHttp, type MirrorHttpSetUp } from './support/mirror-http.ts'

/** Twenty chunks: the fetcher's first CARs split them over both sources. */
const BIG = pattern(20 * 262_144, 4)
/** More chunks than the reader asks at once: it asks for more after the stalled CARs end. */
const LONG = pattern(96 * 262_144, 5)
/** More chunks than two CARs list, all asked at once: the fetcher's first CARs are three. */
const WIDE_CHUNKS = 2 * MAX_CAR_BLOCKS + 8
const WIDE = pattern(WIDE_CHUNKS * 262_144, 6)

describe('one slow mirror over HTTP', () => {
  let net: MirrorHttpSetUp
  let stalled: Server
  let stalledOrigin: string
  /** The stalled mirror's CAR requests, and whether each is still open. */
  const asked: { req: IncomingMessage; open: boolean; closed: Promise<void> }[] = []

  before(async () => {
    net = await startMirrorHttp()
    // A mirror that answers every CAR with its header and then nothing at all.
    stalled = createServer((req, res) => {
      let closed = (): void => {}
      const entry = { req, open: true, closed: new Promise<void>((r) => (closed = r)) }
      asked.push(entry)
      res.on('close', () => {
        entry.open = false
        closed()
      })
      res.writeHead(200, {
        'content-type': 'application/vnd.ipld.car; version=1',
        'access-control-allow-origin': '*',
      })
      res.write(emptyCarHeader())
    })
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve))
    stalledOrigin = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`
  })

  after(async () => {
    stalled?.closeAllConnections()
    stalled?.close()
    await net?.stop()
  })

  it('reads the blocks a stalled source owes from another source meanwhile', async () => {
    const { published } = await net.publishMirrored('takeover', { '/big.bin': BIG })
    const slots = new CarSlots()
    // The stalled source first: the file's first blocks, those its reader waits for, go to it.
    const sources = [net.relaySource(stalledOrigin), net.relaySource()]
    const http = httpFirstClient(createRouteClient(net.visitor.node), { sources, slots })
    assert.ok(http !== undefined)
    const body = fetchFile(http, {
      entry: published.manifest.files['/big.bin'],
      peers: [sources[0].connection],
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

  /**
   * `file` read from the stalled source and the relay, in a budget of `perMirror` CARs under way
   * at each: the page's own order of events at the stalled source (each CAR asked, each ended).
   */
  const readLogged = async (
    label: string,
    file: Uint8Array,
    { perMirror, asked }: { perMirror?: number; asked?: number } = {},
  ): Promise<('asked' | 'ended')[]> => {
    const { published } = await net.publishMirrored(label, { '/file.bin': file })
    const events: ('asked' | 'ended')[] = []
    const get: typeof fetch = (input, init) => {
      if (String(input).startsWith(stalledOrigin)) {
        events.push('asked')
        init?.signal?.addEventListener('abort', () => events.push('ended'), { once: true })
      }
      return fetch(input, init)
    }
    const sources = [net.relaySource(stalledOrigin), net.relaySource()]
    const http = httpFirstClient(createRouteClient(net.visitor.node), {
      sources,
      slots: new CarSlots(perMirror),
      fetch: get,
    })
    assert.ok(http !== undefined)
    const body = fetchFile(http, {
      entry: published.manifest.files['/file.bin'],
      peers: [sources[0].connection],
      concurrency: 32,
      ...(asked === undefined ? {} : { concurrency: asked }),
    })
    const bytes = await bounded(() => bytesOf(body), 4 * HTTP_BLOCK_TIMEOUT_MS)
    assert.ok(Buffer.compare(bytes, file) === 0, 'byte-identical')
    return events
  }

  it('asks a mirror whose CAR was taken over for no new CAR of the file', async () => {
    const events = await readLogged('takeover-long', LONG)
    const firstEnded = events.indexOf('ended')
    assert.ok(firstEnded > 0, 'a stalled CAR was taken over and ended')
    assert.deepEqual(
      events.slice(firstEnded).filter((e) => e === 'asked'),
      [],
      `no CAR asked of the stalled source once one was taken over (${events.join(' ')})`,
    )
  })

  it('does not send a CAR that waited its turn at a mirror passed over meanwhile', async () => {
    // Every chunk asked at once, in three CARs (more than two CARs' worth of blocks): the first
    // and third to the stalled source. With one CAR at a time per mirror, the third waits for
    // the place of the first, and is handed it at the moment the first is taken over and ended.
    const events = await readLogged('takeover-waiting', WIDE, { perMirror: 1, asked: WIDE_CHUNKS })
    assert.deepEqual(
      events.slice(0, 2),
      ['asked', 'ended'],
      `the stalled source's first CAR was taken over and ended (${events.join(' ')})`,
    )
    assert.deepEqual(
      events.slice(2),
      [],
      `the CAR waiting at the stalled source was not sent once it was passed over (${events.join(' ')})`,
    )
  })
})
