/**
 * The store against many peer IDs: quotas per source (address block) as well as per peer, a
 * share kept for names that grow, eviction of the heaviest source's newest records when full,
 * and a rate of new names per source. Clients dial from different 127/8 addresses, so one
 * machine plays peers from different address blocks.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'

/** Each record carries this much padding: about 1 KiB stored. */
const PAD = 'x'.repeat(800)

interface Offer {
  name: string
  owner: ReturnType<typeof generateKeyPair>
  key: Uint8Array
  value: Uint8Array
  stored: boolean
}

/** Offers `n` new padded names from `client` directly to `relay`. */
async function offer(client: Client, relay: RelayProcess, n: number): Promise<Offer[]> {
  const owner = generateKeyPair()
  const out: Offer[] = []
  for (let i = 0; i < n; i++) {
    const name = uniqueName('src')
    const key = await dhtKey(name)
    const value = await rootRecord(name, owner, { meta: { pad: PAD } })
    out.push({ name, owner, key, value, stored: await putDirect(client, relay.peerId, key, value) })
  }
  return out
}

describe('store quotas per source', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const clients: Client[] = []

  before(async () => {
    dir = await tempDir()
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  const client = async (localAddress: string): Promise<Client> => {
    const c = await createClient({ relays: [relays[0].tcp], localAddress })
    clients.push(c)
    return c
  }
  const counter = async (relay: RelayProcess, sample: string): Promise<number> =>
    metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)
  const rejected = (relay: RelayProcess, reason: string): Promise<number> =>
    counter(relay, `alternet_relay_rejected_records_total{reason="${reason}"}`)

  it('keeps fresh peer IDs from one address block to its share; others still add names, held names still grow, and a full store evicts the heaviest source', async () => {
    const relay = await startRelay(`${dir}/sources`, [
      '--store-max-bytes',
      '24KiB',
      '--store-peer-quota',
      '3KiB',
      '--store-source-quota',
      '8KiB',
    ])
    relays.push(relay)
    const honest = await client('127.0.2.1')
    const [held] = await offer(honest, relay, 1)
    assert.ok(held.stored)

    // Eight fresh peer IDs from 127.0.1.0/24, each within its own peer quota.
    const flood: Offer[] = []
    for (let i = 1; i <= 8; i++)
      flood.push(...(await offer(await client(`127.0.1.${i}`), relay, 3)))
    const taken = flood.filter((o) => o.stored).length
    assert.ok(taken >= 1 && taken <= 8, `one address block stored ${taken} of 24 ~1 KiB records`)
    assert.ok((await rejected(relay, 'source-quota')) >= 1)
    const bytes = (await getJson(relay, '/health')).storeBytes as number
    assert.ok(bytes <= 10 * 1024, `one address block filled the store to ${bytes} bytes`)
    const [fresh] = await offer(honest, relay, 1)
    assert.ok(fresh.stored, 'a new name from another source was refused')

    // Two more blocks fill the store to the brim.
    for (const block of [3, 4])
      for (let i = 1; i <= 3; i++) await offer(await client(`127.0.${block}.${i}`), relay, 3)
    const full = (await getJson(relay, '/health')).storeBytes as number
    assert.ok(full > 20 * 1024, `the store holds only ${full} bytes`)

    // A held name grows past what a new name may use: the share kept for growth makes room.
    const grown = await rootRecord(held.name, held.owner, {
      seq: 2,
      meta: { pad: 'y'.repeat(2000) },
    })
    // Sent by another peer of the same block (the first one's peer quota is small here).
    const forwarder = await client('127.0.2.2')
    const ok = await putDirect(forwarder, relay.peerId, held.key, grown)
    assert.ok(ok, 'a held name could not grow')
    // New names from a small source still get in: the heaviest source's newest records go.
    const evictedBefore = await counter(relay, 'alternet_relay_evicted_entries_total')
    const late = await offer(await client('127.0.2.3'), relay, 2)
    assert.ok(
      late.every((o) => o.stored),
      'a full store refused a new name from a light source',
    )
    assert.ok((await counter(relay, 'alternet_relay_evicted_entries_total')) > evictedBefore)
    const kept = await getDirect(honest, relay.peerId, held.key)
    assert.ok(kept != null && equals(kept, grown), 'the grown name was lost')
    const firstOfFlood = flood.find((o) => o.stored)!
    const still = await getDirect(honest, relay.peerId, firstOfFlood.key)
    assert.ok(
      still != null && equals(still, firstOfFlood.value),
      "the flooding source's oldest record was evicted before its newest",
    )
  })

  it('limits how fast one source adds new names', async () => {
    const relay = await startRelay(`${dir}/rate`, ['--new-names-per-minute', '2'])
    relays.push(relay)
    const busy = await createClient({ relays: [relay.tcp], localAddress: '127.0.5.1' })
    const calm = await createClient({ relays: [relay.tcp], localAddress: '127.0.6.1' })
    clients.push(busy, calm)
    // The burst is four minutes' allowance: 8 names.
    const burst = await offer(busy, relay, 12)
    assert.equal(burst.filter((o) => o.stored).length, 8)
    assert.ok((await counter(relay, 'alternet_relay_rejected_records_total{reason="rate"}')) >= 4)
    // Updates of a stored name are not new names.
    const first = burst[0]
    assert.ok(
      await putDirect(
        busy,
        relay.peerId,
        first.key,
        await rootRecord(first.name, first.owner, { seq: 2 }),
      ),
    )
    assert.ok((await offer(calm, relay, 1))[0].stored, 'another source was slowed down too')
  })
})
