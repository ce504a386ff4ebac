/**
 * A relay's look-up of a name it does not hold only reads. Three DHT servers built from the
 * relay's own parts (the simulation's, over the in-memory transport): one holds the holder's
 * newer record, one an older one. A look-up from the third gets both answers; kad-dht's `get`
 * would then put the newer record to the server that answered otherwise (its "correction"),
 * which the look-up must not send: that put carries the plain selector's pick, which a
 * back-dated rival can win.
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { Libp2pRecord } from '@libp2p/record'
import { equals } from '../../src/core/bytes.ts'
import { keyPairFromSeed } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey, encodeRecord } from '../../src/core/records/index.ts'
import { dhtRecordSource, recordDsKey } from '../../relay-node/src/dht-record-source.ts'
import { realTimeContext, startHonestNode, type HonestNode } from '../../bench/sim/sim-node.ts'

/** Memory addresses 9000 and up: apart from the simulation's. */
const FIRST = 9000

describe('a relay’s look-up of a name it does not hold', () => {
  const servers: HonestNode[] = []
  const name = 'read-only-lookup:sim'
  let key: Uint8Array
  let older: Uint8Array
  let newer: Uint8Array

  before(async () => {
    const ctx = realTimeContext()
    for (let i = 0; i < 3; i++)
      servers.push(await startHonestNode(FIRST + i, new Uint8Array(32).fill(i + 1), ctx))
    key = await dhtKey(name)
    const holder = keyPairFromSeed(new Uint8Array(32).fill(9))
    const record = async (seq: number): Promise<Uint8Array> =>
      encodeRecord(await createRecord({ type: 'root', name, seq }, holder))
    older = await record(1)
    newer = await record(2)
    // Stored before the servers meet, so no write waits on a look-up.
    const store = (s: HonestNode, value: Uint8Array): Promise<unknown> =>
      s.store.put(recordDsKey(key), new Libp2pRecord(key, value, new Date()).serialize())
    await store(servers[1], newer)
    await store(servers[2], older)
    const [asker, ...others] = servers
    for (const s of others) await asker.node.dial(multiaddr(s.addr))
    const table = (asker.node.services.dht as unknown as { routingTable: { size: number } })
      .routingTable
    await eventually('the asking server to know both others', () => table.size >= 2)
  })

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()))
  })

  const held = async (s: HonestNode): Promise<Uint8Array> =>
    Libp2pRecord.deserialize(await s.store.get(recordDsKey(key))).value

  it('gets every server’s answer and puts nothing to the server that answered otherwise', async () => {
    const asker = servers[0]
    const source = dhtRecordSource(asker.node.services.dht, asker.store)
    const answers = await source.answers!(key, AbortSignal.timeout(15_000))
    assert.equal(answers.length, 2, 'the look-up did not hear both servers')
    assert.ok(answers.some((a) => equals(a.value, newer)))
    assert.ok(answers.some((a) => equals(a.value, older)))
    assert.ok(equals(await held(servers[2]), older), 'the look-up put its pick to a server')
    assert.ok(equals(await held(servers[1]), newer))
  })
})
