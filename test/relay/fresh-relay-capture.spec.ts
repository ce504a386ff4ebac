/**
 * A relay that joins with an empty store is not captured by a Sybil's back-dated rival: before
 * it stores a root name it does not hold, it looks the name up in the DHT and follows the holder
 * most peers return. Real relay processes: two hold the owner's record, a third (which does not
 * look names up, standing in for a Sybil server) holds a rival of another key back-dated 47 h,
 * and a fresh relay joins them. Without the look-up the fresh relay keeps the first valid record
 * it is offered, the rival, and then refuses the owner; and an older record of the owner than the
 * network holds (a roll-back pushed to a relay that holds none) is refused the same way.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { SYBIL_FLAGS, refusals } from './support/address-blocks.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import {
  backDatedRival,
  dhtKey,
  generateKeyPair,
  rootRecord,
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

describe('a fresh relay and a back-dated rival (relays)', () => {
  let dir: string
  let a: RelayProcess
  let b: RelayProcess
  let sybil: RelayProcess
  let fresh: RelayProcess
  let client: Client

  before(async () => {
    dir = await tempDir()
    a = await startRelay(`${dir}/a`)
    b = await startRelay(`${dir}/b`, ['--bootstrap', a.tcp])
    // Looks nothing up (its look-ups end at once), so it keeps whatever it is offered first.
    sybil = await startRelay(`${dir}/sybil`, ['--bootstrap', a.tcp, ...SYBIL_FLAGS])
    client = await createClient({ relays: [a.tcp, b.tcp, sybil.tcp] })
  })

  after(async () => {
    await client?.stop()
    await Promise.all([a, b, sybil, fresh].filter((r) => r != null).map((r) => r.stop()))
    await removeDir(dir)
  })

  /** Starts the fresh relay once, after the network holds the names. */
  async function joinFresh(): Promise<RelayProcess> {
    if (fresh !== undefined) return fresh
    fresh = await startRelay(`${dir}/fresh`, [
      '--bootstrap',
      a.tcp,
      '--bootstrap',
      b.tcp,
      '--bootstrap',
      sybil.tcp,
    ])
    await waitFor(
      'the fresh relay to know the three relays',
      async () => ((await getJson(fresh, '/health')).peers as number) >= 3,
    )
    return fresh
  }

  it('refuses a rival offered first and takes the holder’s record, as the network holds it', async () => {
    const root = uniqueName('captured')
    const key = await dhtKey(root)
    const owner = generateKeyPair()
    const rogue = generateKeyPair()
    const real = await rootRecord(root, owner, { created: Date.now() - 1000 })
    const rival = await backDatedRival(root, rogue)
    assert.ok(await putDirect(client, a.peerId, key, real))
    assert.ok(await putDirect(client, b.peerId, key, real))
    assert.ok(await putDirect(client, sybil.peerId, key, rival), 'the stand-in Sybil took no rival')
    const relay = await joinFresh()
    const before = await refusals(relay, 'hijack')
    assert.equal(
      await putDirect(client, relay.peerId, key, rival),
      false,
      'the fresh relay stored the back-dated rival',
    )
    assert.ok(
      await putDirect(client, relay.peerId, key, real),
      "the fresh relay refused the holder's record",
    )
    const got = await getDirect(client, relay.peerId, key)
    assert.ok(got !== undefined && equals(got, real), 'the fresh relay serves another record')
    assert.ok((await refusals(relay, 'hijack')) >= before + 1)
  })

  it('refuses an older record of the holder than the network holds, and takes the newest', async () => {
    const root = uniqueName('stale')
    const key = await dhtKey(root)
    const owner = generateKeyPair()
    const stale = await rootRecord(root, owner, { seq: 1 })
    const newest = await rootRecord(root, owner, { seq: 2 })
    assert.ok(await putDirect(client, a.peerId, key, newest))
    assert.ok(await putDirect(client, b.peerId, key, newest))
    const relay = await joinFresh()
    const before = await refusals(relay, 'rollback')
    assert.equal(
      await putDirect(client, relay.peerId, key, stale),
      false,
      'the fresh relay stored a stale record of the holder',
    )
    assert.ok((await refusals(relay, 'rollback')) >= before + 1)
    assert.ok(await putDirect(client, relay.peerId, key, newest), 'the newest record was refused')
  })

  it('still takes a name nobody holds, and the holder’s newer records after it', async () => {
    const relay = await joinFresh()
    const root = uniqueName('new')
    const key = await dhtKey(root)
    const owner = generateKeyPair()
    const first = await rootRecord(root, owner)
    assert.ok(await putDirect(client, relay.peerId, key, first), 'a new name was refused')
    const second = await rootRecord(root, owner, { seq: 2 })
    assert.ok(await putDirect(client, relay.peerId, key, second), 'a newer record was refused')
    assert.equal(
      await putDirect(client, relay.peerId, key, await rootRecord(root, generateKeyPair())),
      false,
      'another key took a held name',
    )
  })
})

describe('a flood of new names and the look-ups they cost (relay)', () => {
  /** New names one source may add per minute here; the allowance holds 4 minutes' worth. */
  const PER_MINUTE = 2
  const FLOOD = 24
  let dir: string
  let relay: RelayProcess
  let client: Client

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r`, ['--new-names-per-minute', String(PER_MINUTE)])
    client = await createClient({ relays: [relay.tcp] })
  })

  after(async () => {
    await client?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('looks up no more names from one source than its new-name allowance', async () => {
    const metric = async (sample: string): Promise<number> =>
      metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)
    const lookups = 'alternet_relay_root_lookups_total'
    const rate = 'alternet_relay_rejected_records_total{reason="rate"}'
    const [lookupsBefore, rateBefore] = [await metric(lookups), await metric(rate)]
    let stored = 0
    for (let i = 0; i < FLOOD; i++) {
      const name = uniqueName('flood')
      if (
        await putDirect(
          client,
          relay.peerId,
          await dhtKey(name),
          await rootRecord(name, generateKeyPair()),
        )
      )
        stored++
    }
    const allowance = PER_MINUTE * 4
    assert.ok(stored <= allowance + 1, `${stored} new names stored`)
    assert.ok(
      (await metric(lookups)) - lookupsBefore <= allowance + 1,
      `${(await metric(lookups)) - lookupsBefore} DHT look-ups for ${FLOOD} new names`,
    )
    assert.ok((await metric(rate)) - rateBefore >= FLOOD - allowance - 1)
  })
})
