/**
 * Circuit relay v2 for browsers: a client holds a reservation and another reaches it through
 * the relay's `/p2p-circuit` address, with limits large enough for signalling.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { createClient, type Client } from './support/client.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'

/** Bytes a relayed stream must carry: a generous WebRTC offer/answer plus ICE candidates. */
const SIGNALLING_BYTES = 64 * 1024

describe('circuit relay', () => {
  let dir: string
  let relay: RelayProcess
  const clients: Client[] = []

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/data`)
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await relay.stop()
    await removeDir(dir)
  })

  it('lets one client reach another through its reservation', async () => {
    const listener = await createClient({ relays: [relay.tcp], circuit: true })
    clients.push(listener)
    const circuitAddr = await waitFor('a /p2p-circuit address', () =>
      listener.getMultiaddrs().find((a) => a.toString().includes('/p2p-circuit')),
    )
    assert.ok(circuitAddr.toString().startsWith(relay.tcp.split('/p2p/')[0]))
    const health = await waitFor('the reservation to show', async () => {
      const h = await getJson(relay, '/health')
      return (h.reservations as number) >= 1 ? h : undefined
    })
    assert.equal(health.reservations, 1)
    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    assert.equal(metricValue(metrics, 'alternet_relay_reservations'), 1)

    // A signalling-sized exchange over the relayed connection.
    const echo = '/test/echo/1.0.0'
    await listener.handle(
      echo,
      async (stream) => {
        for await (const chunk of stream) stream.send(chunk.subarray())
        await stream.close()
      },
      { runOnLimitedConnection: true },
    )
    const dialer = await createClient()
    clients.push(dialer)
    const stream = await dialer.dialProtocol(multiaddr(circuitAddr.toString()), echo, {
      runOnLimitedConnection: true,
      signal: AbortSignal.timeout(10_000),
    })
    const payload = crypto.getRandomValues(new Uint8Array(SIGNALLING_BYTES))
    let received = 0
    const reading = (async () => {
      for await (const chunk of stream) {
        received += chunk.byteLength
        if (received >= payload.length) break
      }
    })()
    for (let i = 0; i < payload.length; i += 4096) stream.send(payload.subarray(i, i + 4096))
    await Promise.race([
      reading,
      new Promise((_, reject) => setTimeout(() => reject(new Error('echo timed out')), 10_000)),
    ])
    assert.equal(received, payload.length)
    const conn = dialer.getConnections(listener.peerId)[0]
    assert.ok(
      conn.remoteAddr.toString().includes('/p2p-circuit'),
      'the dialer did not go through the relay',
    )
    await stream.close().catch(() => undefined)
  })
})
