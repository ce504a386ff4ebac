/**
 * The bounded store (total size, per-peer quota, eviction policy) and the relay's peer upkeep
 * (redialling a lost bootstrap relay, forgetting dead peers).
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import { contentRoot, dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'

/** Store size for the bound tests: room for a dozen or so small records. */
const SMALL_STORE = 6 * 1024
const RECORDS_OFFERED = 40

async function offer(
  client: Client,
  relay: RelayProcess,
  n: number,
): Promise<Array<{ key: Uint8Array; value: Uint8Array; stored: boolean }>> {
  const owner = generateKeyPair()
  const out = []
  for (let i = 0; i < n; i++) {
    const name = uniqueName('bound')
    const key = await dhtKey(name)
    const value = await rootRecord(name, owner)
    out.push({ key, value, stored: await putDirect(client, relay.peerId, key, value) })
  }
  return out
}

async function counter(relay: RelayProcess, sample: string): Promise<number> {
  return metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)
}

describe('bounded store and peer upkeep', () => {
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

  it('refuses new records when full under the refuse policy', async () => {
    const relay = await startRelay(`${dir}/refuse`, [
      '--store-max-bytes',
      String(SMALL_STORE),
      '--eviction-policy',
      'refuse',
    ])
    relays.push(relay)
    const client = await createClient({ relays: [relay.tcp] })
    clients.push(client)
    const results = await offer(client, relay, RECORDS_OFFERED)
    assert.ok(results[0].stored, 'the first record was refused')
    assert.ok(
      results.some((r) => !r.stored),
      'a full store took every record',
    )
    const health = await getJson(relay, '/health')
    assert.ok(
      (health.storeBytes as number) <= SMALL_STORE,
      `store holds ${health.storeBytes} bytes`,
    )
    assert.ok(
      (await counter(relay, 'alternet_relay_rejected_records_total{reason="store-full"}')) >= 1,
    )
    const first = await getDirect(client, relay.peerId, results[0].key)
    assert.ok(first != null && equals(first, results[0].value), 'a stored record was dropped')
  })

  it('evicts expired records and provider records to make room, never a live name: filling the store cannot flush a holder', async () => {
    const relay = await startRelay(`${dir}/oldest`, [
      '--store-max-bytes',
      String(SMALL_STORE),
      '--eviction-policy',
      'oldest',
    ])
    relays.push(relay)
    const client = await createClient({ relays: [relay.tcp] })
    clients.push(client)
    // A name held by its owner, and a record that lapses while the store fills.
    const owner = generateKeyPair()
    const held = uniqueName('held')
    const heldKey = await dhtKey(held)
    const heldValue = await rootRecord(held, owner)
    assert.ok(await putDirect(client, relay.peerId, heldKey, heldValue))
    const lapsing = uniqueName('lapsing')
    const lapsingKey = await dhtKey(lapsing)
    const lapsesAt = Date.now() + 1000
    assert.ok(
      await putDirect(
        client,
        relay.peerId,
        lapsingKey,
        await rootRecord(lapsing, generateKeyPair(), { expires: lapsesAt }),
      ),
    )
    await waitFor('the short record to expire', () => Date.now() > lapsesAt, 5000, 100)

    // Fresh peer IDs cost nothing: many of them fill the store with provider records, then with names.
    const PEERS = 6
    const flooders: Client[] = []
    for (let i = 0; i < PEERS; i++)
      flooders.push(await createClient({ relays: [relay.tcp], listen: true }))
    clients.push(...flooders)
    for (const [i, flooder] of flooders.entries()) {
      for (let j = 0; j < 8; j++) {
        for await (const _ of flooder.services.dht.provide(
          await contentRoot(`filler ${i} ${j} ${relay.peerId}`),
          { signal: AbortSignal.timeout(10_000) },
        ))
          void _
      }
    }
    assert.ok(
      ((await getJson(relay, '/health')).providers as number) >= 1,
      'no provider record was stored',
    )
    const names: boolean[] = []
    for (const flooder of flooders)
      names.push(...(await offer(flooder, relay, 6)).map((r) => r.stored))
    assert.ok(names[0], 'a name was refused while provider records could make room for it')
    assert.ok(
      names.some((stored) => !stored),
      'a store full of live names took another one',
    )
    assert.ok(
      (await counter(relay, 'alternet_relay_rejected_records_total{reason="store-full"}')) >= 1,
    )
    assert.ok((await counter(relay, 'alternet_relay_evicted_entries_total')) >= 1)
    const health = await getJson(relay, '/health')
    assert.ok(
      (health.storeBytes as number) <= SMALL_STORE,
      `store holds ${health.storeBytes} bytes`,
    )
    assert.equal(health.providers, 0, 'provider records were kept while names were refused')

    // The expired record made room; the held name is still held, and a rival still refused.
    assert.equal(await getDirect(client, relay.peerId, lapsingKey), undefined)
    const got = await getDirect(client, relay.peerId, heldKey)
    assert.ok(got != null && equals(got, heldValue), 'filling the store flushed a live name')
    const rival = await rootRecord(held, generateKeyPair(), {
      seq: 99,
      created: Date.now() - 3_600_000,
    })
    assert.equal(
      await putDirect(client, relay.peerId, heldKey, rival),
      false,
      'a rival took the name after the store filled',
    )
    assert.ok((await counter(relay, 'alternet_relay_rejected_records_total{reason="hijack"}')) >= 1)
  })

  it('holds each sending peer to its quota without refusing others', async () => {
    const relay = await startRelay(`${dir}/quota`, ['--store-peer-quota', '2KiB'])
    relays.push(relay)
    const greedy = await createClient({ relays: [relay.tcp] })
    const modest = await createClient({ relays: [relay.tcp] })
    clients.push(greedy, modest)
    const results = await offer(greedy, relay, 20)
    assert.ok(results[0].stored)
    assert.ok(
      results.some((r) => !r.stored),
      'one peer filled past its quota',
    )
    assert.ok((await counter(relay, 'alternet_relay_rejected_records_total{reason="quota"}')) >= 1)
    const other = await offer(modest, relay, 2)
    assert.ok(
      other.every((r) => r.stored),
      "another peer's records were refused",
    )
  })

  it("keeps a peer's quota charged across the relay's own republish rounds", async () => {
    // Two relays, so that each round's DHT puts find a peer and end.
    const peer = await startRelay(`${dir}/republish-peer`)
    relays.push(peer)
    const relay = await startRelay(`${dir}/republish-quota`, [
      '--store-peer-quota',
      '2KiB',
      '--republish-interval',
      '300ms',
      '--bootstrap',
      peer.tcp,
    ])
    relays.push(relay)
    await waitFor(
      'the relays to connect',
      async () => ((await getJson(relay, '/health')).peers as number) >= 1,
    )
    const greedy = await createClient({ relays: [relay.tcp] })
    clients.push(greedy)
    const first = await offer(greedy, relay, 20)
    const stored = first.filter((r) => r.stored).length
    assert.ok(stored >= 1 && stored < 20, `${stored} of 20 stored under a 2 KiB quota`)
    // Let republish rounds re-put every record (kad-dht writes each one locally first).
    const rounds = (): number =>
      relay
        .stderr()
        .split('\n')
        .filter((l) => /records republished.*"records":[1-9]/.test(l)).length
    const seen = rounds()
    await waitFor('two republish rounds', () => rounds() >= seen + 2, 20_000, 100)
    const later = await offer(greedy, relay, 10)
    assert.equal(
      later.filter((r) => r.stored).length,
      0,
      'a republish round gave the peer its quota back',
    )
  })

  it('stops serving a record when it expires and sweeps it from the store', async () => {
    const relay = await startRelay(`${dir}/expiry`, ['--expiry-sweep-interval', '300ms'])
    relays.push(relay)
    const client = await createClient({ relays: [relay.tcp] })
    clients.push(client)
    const name = uniqueName('short')
    const key = await dhtKey(name)
    const created = Date.now()
    const lifetime = 2000
    assert.ok(
      await putDirect(
        client,
        relay.peerId,
        key,
        await rootRecord(name, generateKeyPair(), { created, expires: created + lifetime }),
      ),
    )
    assert.ok((await getDirect(client, relay.peerId, key)) != null)
    await waitFor(
      'the record to expire and be swept',
      async () => ((await getJson(relay, '/health')).records as number) === 0,
      10_000,
    )
    assert.ok(Date.now() >= created + lifetime, 'swept before it expired')
    assert.equal(await getDirect(client, relay.peerId, key), undefined)
  })

  it('redials a lost bootstrap relay when it comes back', async () => {
    const first = await startRelay(`${dir}/boot`)
    const port = /\/tcp\/(\d+)\/p2p\//.exec(first.tcp)![1]
    const follower = await startRelay(`${dir}/follower`, [
      '--bootstrap',
      first.tcp,
      '--reconnect-min',
      '200ms',
      '--reconnect-max',
      '1s',
    ])
    relays.push(follower)
    await waitFor(
      'the follower to connect',
      async () => ((await getJson(follower, '/health')).peers as number) >= 1,
    )
    await first.stop()
    await waitFor(
      'the follower to notice',
      async () => ((await getJson(follower, '/health')).peers as number) === 0,
    )
    const back = await startRelay(`${dir}/boot`, ['--tcp-port', port])
    relays.push(back)
    assert.equal(back.peerId, first.peerId)
    await waitFor(
      'the follower to redial',
      async () => ((await getJson(follower, '/health')).peers as number) >= 1,
      15_000,
    )
  })

  it('forgets peers that stay unreachable', async () => {
    const relay = await startRelay(`${dir}/prune`, [
      '--dead-peer-after',
      '1s',
      '--prune-interval',
      '300ms',
    ])
    relays.push(relay)
    const visitor = await createClient({ relays: [relay.tcp] })
    await waitFor(
      'the relay to know the visitor',
      async () => ((await getJson(relay, '/health')).knownPeers as number) >= 1,
    )
    await visitor.stop()
    await waitFor(
      'the relay to forget the visitor',
      async () => ((await getJson(relay, '/health')).knownPeers as number) === 0,
      10_000,
    )
  })
})
