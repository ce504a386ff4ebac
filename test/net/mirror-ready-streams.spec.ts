/**
 * Route streams opened ahead on a relay's connection: handed to the first requests, at most
 * `READY_ROUTE_STREAMS` of them, and closed unused once their time is up. A real relay process;
 * the visitor's connection to it notes the route streams it opens.
 * @module
 */
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { READY_ROUTE_STREAMS } from '../../src/net/mirror/constants.ts'
import { ReadyStreams } from '../../src/net/mirror/ready-streams.ts'
import { ROUTE_PROTOCOL } from '../../src/net/route/index.ts'
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { createClient, type Client } from '../relay/support/client.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'

describe('route streams opened ahead on a relay', () => {
  let dir: string
  let relay: RelayProcess
  let visitor: Client
  let connection: Connection
  /** The route streams the connection opened, in order. */
  const opened: Stream[] = []

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/relay`)
    visitor = await createClient({ relays: [relay.tcp] })
    const found = visitor
      .getConnections(peerIdFromString(relay.peerId))
      .find((c) => c.status === 'open' && c.limits == null)
    assert.ok(found !== undefined, 'the visitor is connected to the relay')
    connection = found
    const newStream = connection.newStream.bind(connection)
    connection.newStream = (async (protocols, options) => {
      const stream = await newStream(protocols, options)
      if ([protocols].flat().includes(ROUTE_PROTOCOL)) opened.push(stream)
      return stream
    }) as Connection['newStream']
  })

  after(async () => {
    await visitor?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('hands the streams opened ahead to the first requests, then opens new ones', async () => {
    opened.length = 0
    const ready = new ReadyStreams()
    ready.prepare(connection)
    ready.prepare(connection) // no more than READY_ROUTE_STREAMS are ever ready
    await eventually('the streams opened', () => opened.length === READY_ROUTE_STREAMS)
    const ahead = [...opened]
    const requests = ready.wrap(connection)
    const taken: Stream[] = []
    for (let i = 0; i < READY_ROUTE_STREAMS; i++)
      taken.push(await requests.newStream(ROUTE_PROTOCOL))
    assert.deepEqual(taken, ahead)
    assert.equal(opened.length, READY_ROUTE_STREAMS, 'no stream opened for them')
    const fresh = await requests.newStream(ROUTE_PROTOCOL)
    assert.equal(opened.length, READY_ROUTE_STREAMS + 1)
    assert.equal(fresh, opened.at(-1))
    // Everything else is the connection's own.
    assert.equal(requests.remotePeer.toString(), relay.peerId)
    for (const stream of [...taken, fresh]) stream.abort(new Error('done'))
  })

  it('closes a stream not taken in time and does not hand it out', async () => {
    opened.length = 0
    const ready = new ReadyStreams(50)
    ready.prepare(connection)
    await eventually('the streams opened', () => opened.length === READY_ROUTE_STREAMS)
    const ahead = [...opened]
    await eventually('the streams closed', () => ahead.every((s) => s.writeStatus !== 'writable'))
    const stream = await ready.wrap(connection).newStream(ROUTE_PROTOCOL)
    assert.ok(!ahead.includes(stream), 'a new stream')
    assert.equal(opened.length, READY_ROUTE_STREAMS + 1)
    stream.abort(new Error('done'))
  })
})
