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

describe('circuit relay reservations shared between sources', () => {
  let dir: string
  let relay: RelayProcess
  const clients: Client[] = []
  const PER_SOURCE = 3

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/data`, [
      '--max-reservations',
      '10',
      '--max-reservations-per-source',
      String(PER_SOURCE),
    ])
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await relay.stop()
    await removeDir(dir)
  })

  const figure = async (sample: string): Promise<number> =>
    metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)

  it('keeps ten peer IDs from one address block from taking every slot; an honest peer still gets one, and a departed peer frees its slot', async () => {
    // Ten fresh peer IDs, all from 127.0.1.0/24.
    const sybils: Client[] = []
    for (let i = 1; i <= 10; i++) {
      const sybil = await createClient({
        relays: [relay.tcp],
        circuit: true,
        localAddress: `127.0.1.${i}`,
      })
      sybils.push(sybil)
      clients.push(sybil)
    }
    await waitFor(
      'every sybil to have asked for a reservation',
      async () =>
        (await figure('alternet_relay_reservations')) +
          (await figure('alternet_relay_reservations_refused_total')) >=
        10,
      30_000,
    )
    assert.equal(await figure('alternet_relay_reservations'), PER_SOURCE)
    // A browser from elsewhere still gets a slot.
    const honest = await createClient({
      relays: [relay.tcp],
      circuit: true,
      localAddress: '127.0.2.1',
    })
    clients.push(honest)
    await waitFor(
      'the honest peer to get a /p2p-circuit address',
      () => honest.getMultiaddrs().find((a) => a.toString().includes('/p2p-circuit')),
      30_000,
    )
    assert.equal(await figure('alternet_relay_reservations'), PER_SOURCE + 1)
    // Peers that leave free their slots at once, not when their reservation's TTL runs out.
    const holders = sybils.filter((s) =>
      s.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit')),
    )
    assert.equal(holders.length, PER_SOURCE)
    await Promise.all(holders.map((h) => h.stop()))
    await waitFor(
      'the departed peers to lose their reservations',
      async () => (await figure('alternet_relay_reservations')) === 1,
    )
  })
})
