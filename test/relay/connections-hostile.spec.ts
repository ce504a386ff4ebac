/**
 * Connection exhaustion by fresh peer IDs from one address block, against a real relay process:
 * each Sybil is its own libp2p node dialling from its own address of 127.0.9.0/24 (Linux routes
 * all of 127/8 to the loopback). libp2p refuses every inbound connection once the relay holds
 * `--max-connections`, whoever asks; the relay keeps one source to its share of them, so a
 * visitor from another block still connects and puts and reads a record through the relay.
 */
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import { contentRoot, dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'

/** Connections the relay holds at once in this spec (its default is 4,096). */
const MAX_CONNECTIONS = 24
/** Fresh peer IDs of one /24: more than the relay holds in all. */
const SYBILS = 32

describe('connection exhaustion by fresh peer IDs from one address block (relay)', () => {
  let dir: string
  let relay: RelayProcess
  const clients: Client[] = []

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(join(dir, 'r'), [
      '--max-connections',
      String(MAX_CONNECTIONS),
      // One address may open many connections a second here: the share per block is the bound.
      '--inbound-connection-threshold',
      '1000',
    ])
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await relay?.stop()
    await removeDir(dir)
  })

  it('keeps one block to its share of the connections; a visitor from another block still connects and uses the DHT', async () => {
    const dialled = await Promise.allSettled(
      Array.from({ length: SYBILS }, async (_, i) => {
        const sybil = await createClient({ localAddress: `127.0.9.${i + 1}`, dialTimeout: 5_000 })
        clients.push(sybil)
        await sybil.dial(multiaddr(relay.tcp), { signal: AbortSignal.timeout(10_000) })
        return sybil
      }),
    )
    const held = dialled.filter((d) => d.status === 'fulfilled').length
    assert.ok(held >= 1, 'no Sybil connected at all')
    assert.ok(
      held <= MAX_CONNECTIONS / 4,
      `${held} of ${SYBILS} fresh peer IDs of one /24 hold connections to a relay that holds ${MAX_CONNECTIONS}`,
    )

    const visitor = await createClient({
      relays: [relay.tcp],
      localAddress: '127.0.10.1',
      dialTimeout: 5_000,
    })
    clients.push(visitor)
    const name = uniqueName('conns')
    const value = await rootRecord(name, generateKeyPair(), { content: await contentRoot(name) })
    const key = await dhtKey(name)
    assert.ok(await putDirect(visitor, relay.peerId, key, value), 'the relay took the record')
    const found = await getDirect(visitor, relay.peerId, key)
    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    assert.ok(
      metricValue(metrics, 'alternet_relay_connections_refused_total') >= SYBILS - held,
      'the refusals are counted',
    )
    assert.ok(found !== undefined && Buffer.compare(found, value) === 0, 'the record reads back')
  })
})
