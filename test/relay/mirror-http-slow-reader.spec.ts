/**
 * A reader of mirrored blocks over HTTP cannot hold a relay's memory for long: against real
 * relay processes and clients on raw TCP sockets that ask for a long CAR and never read it, the
 * relay ends a CAR whose reader stops taking bytes (and counts it), and refuses a source's CAR
 * in words while that source has as many under way as it may; a source's slots come back once
 * its readers are gone.
 */
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { MAX_CARS_PER_SOURCE } from '../../relay-node/src/mirror/http-blocks.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { pattern } from '../net/hosting-support.ts'
import { uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
} from './support/site-publisher.ts'

const FLAGS = ['--mirror-scan-interval', '2s', '--mirror-replicas', '64']
const CHUNK = 262_144

/** The 64 chunks (each distinct) of a file that one relay mirrors, published for the test. */
async function mirroredChunks(relay: RelayProcess, publishers: SitePublisher[]): Promise<CID[]> {
  const publisher = await startPublisher([relay.tcp])
  publishers.push(publisher)
  const site = uniqueName('httpslow')
  const published = await publisher.publish(site, { '/data.bin': pattern(64 * CHUNK + 1000, 9) })
  const watcher = await startVisitor([relay.tcp])
  try {
    await waitMirrored(watcher, relay, site, published.root)
  } finally {
    await watcher.stop()
  }
  return published.manifest.files['/data.bin'].chunks.slice(0, 64)
}

/**
 * A client that asks `relay` for a CAR of the first `count` of `chunks` and reads nothing: its
 * socket takes bytes only up to its buffers, so a long CAR stalls the relay's writes.
 */
function stalledReader(relay: RelayProcess, chunks: CID[], count: number): Socket {
  const { hostname, port } = new URL(relay.http)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  socket.write(
    `GET /ipfs/?format=car&cids=${chunks.slice(0, count).join(',')} HTTP/1.1\r\n` +
      `Host: ${hostname}:${port}\r\nAccept: application/vnd.ipld.car\r\n\r\n`,
  )
  return socket
}

/** Every byte `socket` still gives, until the relay closes it. */
function readToEnd(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let length = 0
    socket.on('data', (part: Buffer) => (length += part.length))
    socket.once('close', () => resolve(length))
  })
}

async function metric(relay: RelayProcess, sample: string): Promise<number> {
  return metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)
}

describe('slow readers of mirrored blocks over HTTP', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const publishers: SitePublisher[] = []
  const sockets: Socket[] = []

  before(async () => {
    dir = await tempDir()
  })

  after(async () => {
    for (const socket of sockets) socket.destroy()
    await Promise.all(publishers.map((p) => p.stop()))
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('ends a CAR whose reader stops taking bytes, and counts it', async () => {
    const relay = await startRelay(join(dir, 'ends'), [
      ...FLAGS,
      '--mirror-http-write-timeout',
      '1s',
    ])
    relays.push(relay)
    const chunks = await mirroredChunks(relay, publishers)
    // 64 blocks of 256 KiB: far more than the sockets' buffers hold.
    const socket = stalledReader(relay, chunks, 64)
    sockets.push(socket)
    await waitFor(
      'the relay to end the CAR of a reader that takes nothing',
      async () =>
        (await metric(relay, 'alternet_relay_mirror_http_slow_cars_total{result="ended"}')) === 1,
      30_000,
    )
    // What the relay had handed to the network still arrives, then the answer ends short.
    const length = await readToEnd(socket)
    assert.ok(length > 0 && length < 64 * CHUNK, `${length} bytes of a CAR of ${64 * CHUNK}`)
  })

  it('refuses a CAR in words while its source has as many under way as it may', async () => {
    // The default wait for a reader (30 s): the stalled CARs stay under way during the test.
    const relay = await startRelay(join(dir, 'busy'), FLAGS)
    relays.push(relay)
    const chunks = await mirroredChunks(relay, publishers)
    const begun = await metric(relay, 'alternet_relay_mirror_http_cars_total')
    // Thirty blocks each (7.5 MiB, more than the sockets' buffers), all within the rate's burst.
    const stalled = Array.from({ length: MAX_CARS_PER_SOURCE }, () =>
      stalledReader(relay, chunks, 30),
    )
    sockets.push(...stalled)
    await waitFor(
      'every stalled CAR to be under way',
      async () =>
        (await metric(relay, 'alternet_relay_mirror_http_cars_total')) ===
        begun + MAX_CARS_PER_SOURCE,
    )
    const url = `${relay.http}/ipfs/?format=car&cids=${chunks[0]}`
    const refused = await fetch(url)
    assert.equal(refused.status, 429)
    assert.ok(Number(refused.headers.get('retry-after')) >= 1)
    assert.match(
      await refused.text(),
      /Too many CAR streams under way from your network \(ip4:127\.0\.0\.0\/24\): at most 8 at once/,
    )
    assert.equal(
      await metric(relay, 'alternet_relay_mirror_http_slow_cars_total{result="refused"}'),
      1,
    )
    // The readers go away: their slots come back.
    for (const socket of stalled) socket.destroy()
    const again = await waitFor('a CAR to be served again', async () => {
      const res = await fetch(url)
      if (res.status === 200) return new Uint8Array(await res.arrayBuffer())
      await res.body?.cancel()
      return undefined
    })
    assert.ok(again.length > CHUNK, 'the block came')
  })
})
