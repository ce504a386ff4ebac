/**
 * Three relays in separate processes form one DHT: records put through one are resolved
 * through another; every relay refuses bad records; a flood does not stop a relay; killing
 * one leaves every record resolvable; a relay that joins later receives held records.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import {
  createClient,
  dhtGet,
  dhtPut,
  findProviders,
  getDirect,
  kadRequest,
  provide,
  putDirect,
  waitForRoutingTable,
  type Client,
} from './support/client.ts'
import {
  contentRoot,
  dhtKey,
  expiredRecord,
  forgedRecord,
  generateKeyPair,
  oversizedRecord,
  rootRecord,
  subdomainRecord,
  uniqueName,
} from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'

describe('three relays form one DHT', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const clients: Client[] = []

  before(async () => {
    dir = await tempDir()
    const first = await startRelay(`${dir}/r1`, ['--republish-interval', '2s'])
    relays.push(first)
    relays.push(
      ...(await Promise.all(
        [2, 3].map((i) =>
          startRelay(`${dir}/r${i}`, ['--bootstrap', first.tcp, '--republish-interval', '2s']),
        ),
      )),
    )
    // Each relay knows the two others.
    for (const relay of relays)
      await waitFor(
        `${relay.peerId} to see two relays`,
        async () => ((await getJson(relay, '/health')).peers as number) >= 2,
      )
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('resolves through one relay a record put through another', async () => {
    const writer = await createClient({ relays: [relays[0].tcp] })
    const reader = await createClient({ relays: [relays[2].tcp] })
    clients.push(writer, reader)
    await waitForRoutingTable(reader, 1)
    const name = uniqueName()
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair(), { content: await contentRoot(name) })
    // Put through the first relay only: the network carries it to the others.
    assert.ok(
      await putDirect(writer, relays[0].peerId, key, value),
      'the first relay refused the record',
    )
    const atThird = await waitFor(
      'the third relay to hold the record',
      async () => {
        const v = await getDirect(reader, relays[2].peerId, key)
        return v != null && equals(v, value)
      },
      15_000,
      250,
    )
    assert.ok(atThird)
    const found = await dhtGet(reader, key)
    assert.ok(found != null && equals(found, value), 'the reader did not resolve the record')
  })

  it('finds through one relay a provider record put through another', async () => {
    const provider = await createClient({ relays: [relays[0].tcp], listen: true })
    const seeker = await createClient({ relays: [relays[2].tcp] })
    clients.push(provider, seeker)
    await waitForRoutingTable(provider, 1)
    await waitForRoutingTable(seeker, 1)
    const cid = await contentRoot(uniqueName('provided'))
    assert.ok((await provide(provider, cid)) >= 1, 'no relay took the provider record')
    const found = await findProviders(seeker, cid)
    assert.ok(
      found.includes(provider.peerId.toString()),
      `the provider was not found through another relay (found ${found.join(', ')})`,
    )
  })

  it('every relay refuses forged, oversized, expired, rolled-back and hijacking records', async () => {
    const client = await createClient({ relays: relays.map((r) => r.tcp) })
    clients.push(client)
    const owner = generateKeyPair()
    const name = uniqueName('held')
    const key = await dhtKey(name)
    const newer = await rootRecord(name, owner, { seq: 5 })
    const older = await rootRecord(name, owner, { seq: 4 })
    const hijack = await rootRecord(name, generateKeyPair(), {
      seq: 900,
      created: Date.now() - 3_600_000,
    })
    for (const relay of relays)
      assert.ok(
        await putDirect(client, relay.peerId, key, newer),
        `${relay.peerId} refused a valid record`,
      )

    for (const relay of relays) {
      const offers: Array<[string, Uint8Array]> = [
        ['forged', await forgedRecord(name, owner)],
        ['oversized', await oversizedRecord(name, owner)],
        ['expired', await expiredRecord(name, owner)],
        ['rollback', older],
        ['hijack', hijack],
      ]
      for (const [reason, bytes] of offers) {
        assert.equal(
          await putDirect(client, relay.peerId, key, bytes),
          false,
          `${relay.peerId} accepted a ${reason} record`,
        )
      }
      const stored = await getDirect(client, relay.peerId, key)
      assert.ok(
        stored != null && equals(stored, newer),
        `${relay.peerId} no longer serves the holder's newest record`,
      )
      const metrics = await (await fetch(`${relay.http}/metrics`)).text()
      for (const [reason] of offers) {
        assert.ok(
          metricValue(metrics, `alternet_relay_rejected_records_total{reason="${reason}"}`) >= 1,
          `${relay.peerId} did not count a ${reason} refusal`,
        )
      }
    }
  })

  it("refuses a subdomain record whose root name is held by another key, and takes the root holder's", async () => {
    const client = await createClient({ relays: relays.map((r) => r.tcp) })
    clients.push(client)
    const owner = generateKeyPair()
    const squatter = generateKeyPair()
    const root = uniqueName('victim')
    const sub = `www.${root}`
    const subKey = await dhtKey(sub)
    // The root's record reaches the first relay only: the others find it in the DHT.
    assert.ok(
      await putDirect(client, relays[0].peerId, await dhtKey(root), await rootRecord(root, owner)),
    )
    const squat = await subdomainRecord(sub, squatter)
    for (const relay of relays) {
      assert.equal(
        await putDirect(client, relay.peerId, subKey, squat),
        false,
        `${relay.peerId} stored a subdomain record of a root another key holds`,
      )
      assert.equal(await getDirect(client, relay.peerId, subKey), undefined)
      const metrics = await (await fetch(`${relay.http}/metrics`)).text()
      assert.ok(
        metricValue(
          metrics,
          'alternet_relay_rejected_records_total{reason="unauthorized-signer"}',
        ) >= 1,
        `${relay.peerId} did not count the refusal`,
      )
    }
    // Under a root nobody holds, no subdomain record is stored either.
    const orphan = `www.${uniqueName('nobody')}`
    for (const relay of relays) {
      assert.equal(
        await putDirect(
          client,
          relay.peerId,
          await dhtKey(orphan),
          await subdomainRecord(orphan, squatter),
        ),
        false,
        `${relay.peerId} stored a subdomain of a root nobody holds`,
      )
      const metrics = await (await fetch(`${relay.http}/metrics`)).text()
      assert.ok(
        metricValue(metrics, 'alternet_relay_rejected_records_total{reason="root-not-found"}') >= 1,
      )
    }
    // The root's holder still gets its subdomain.
    const real = await subdomainRecord(sub, owner)
    for (const relay of relays) {
      assert.ok(
        await putDirect(client, relay.peerId, subKey, real),
        `${relay.peerId} refused the root holder's subdomain record`,
      )
      const got = await getDirect(client, relay.peerId, subKey)
      assert.ok(got != null && equals(got, real))
    }
  })

  it('keeps serving others while one peer floods it with garbage', async () => {
    const target = relays[1]
    const flooder = await createClient({ relays: [target.tcp] })
    const good = await createClient({ relays: [target.tcp] })
    clients.push(flooder, good)
    await waitForRoutingTable(good, 1)
    const name = uniqueName('flood')
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    assert.ok(await putDirect(good, target.peerId, key, value))

    // The flood is bounded in count and in time, so the spec ends whatever the machine's speed.
    const FLOOD_MESSAGES = 2000
    const FLOOD_CONCURRENCY = 50
    const FLOOD_BOUND_MS = 20_000
    const started = Date.now()
    let sent = 0
    const flooding = (): boolean => sent < FLOOD_MESSAGES && Date.now() - started < FLOOD_BOUND_MS
    const garbage = async (): Promise<void> => {
      while (flooding()) {
        sent++
        const junk = crypto.getRandomValues(new Uint8Array(64 + (sent % 700)))
        await kadRequest(flooder, target.peerId, junk, 2000).catch(() => undefined)
      }
    }
    const flood = Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, garbage))
    // While the flood runs, another peer's put and get, and /health, are answered.
    const during = uniqueName('during')
    const duringKey = await dhtKey(during)
    const duringValue = await rootRecord(during, generateKeyPair())
    const stored = await putDirect(good, target.peerId, duringKey, duringValue)
    const read = await getDirect(good, target.peerId, key).catch(() => undefined)
    const health = await getJson(target, '/health').catch(() => undefined)
    await flood
    assert.ok(sent >= 1, 'the flood sent nothing')
    assert.ok(stored, "another peer's record put was refused during the flood")
    assert.ok(
      read != null && equals(read, value),
      "another peer's read was not served during the flood",
    )
    assert.equal(health?.status, 'ok', '/health did not answer during the flood')
    // And after it.
    assert.equal((await getJson(target, '/health')).status, 'ok')
    const after = await getDirect(good, target.peerId, key)
    assert.ok(after != null && equals(after, value))
    const afterPut = await getDirect(good, target.peerId, duringKey)
    assert.ok(afterPut != null && equals(afterPut, duringValue))
    const later = uniqueName('after')
    assert.ok(
      await putDirect(
        good,
        target.peerId,
        await dhtKey(later),
        await rootRecord(later, generateKeyPair()),
      ),
      'a put after the flood was refused',
    )
  })

  it('hands held records to a relay that joins later (republish)', async () => {
    const client = await createClient({ relays: [relays[0].tcp] })
    clients.push(client)
    await waitForRoutingTable(client, 1)
    const name = uniqueName('late')
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    assert.ok((await dhtPut(client, key, value)) >= 1)
    const late = await startRelay(`${dir}/r4`, ['--bootstrap', relays[0].tcp])
    relays.push(late)
    const probe = await createClient({ relays: [late.tcp] })
    clients.push(probe)
    const got = await waitFor(
      'the late relay to hold the record',
      async () => {
        const v = await getDirect(probe, late.peerId, key)
        return v != null && equals(v, value) ? v : undefined
      },
      20_000,
      500,
    )
    assert.ok(got != null)
  })

  it('still resolves every record after one of three relays is killed', async () => {
    const writer = await createClient({ relays: [relays[0].tcp] })
    clients.push(writer)
    await waitForRoutingTable(writer, 2)
    const records: Array<[Uint8Array, Uint8Array]> = []
    for (let i = 0; i < 5; i++) {
      const name = uniqueName('survive')
      records.push([await dhtKey(name), await rootRecord(name, generateKeyPair())])
    }
    for (const [key, value] of records) assert.ok((await dhtPut(writer, key, value)) >= 2)
    await relays[0].kill9()
    for (const survivor of [relays[1], relays[2]]) {
      const reader = await createClient({ relays: [survivor.tcp] })
      clients.push(reader)
      await waitForRoutingTable(reader, 1)
      for (const [key, value] of records) {
        const found = await dhtGet(reader, key)
        assert.ok(
          found != null && equals(found, value),
          `a record was lost with the killed relay (reading through ${survivor.peerId})`,
        )
      }
    }
  })
})
