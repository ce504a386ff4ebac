/**
 * A name's record asked of the node's connected relay at once, beside kad-dht's look-up: a real
 * relay process holds the record; the visitor's kad-dht never runs its first self-query (an hour
 * away), so every kad-dht look-up of it waits, and only the relay's answer can resolve the name.
 * @module
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { dhtKey } from '../../src/core/records/index.ts'
import { Resolver } from '../../src/net/naming/resolver.ts'
import { openNodeStorage, type NodeStorage } from '../../src/node/storage/index.ts'
import { createClient, dhtPut, waitForRoutingTable, type Client } from '../relay/support/client.ts'
import { contentRoot, generateKeyPair, rootRecord, uniqueName } from '../relay/support/records.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'

const HOUR = 3_600_000

describe('naming resolver: the connected relay asked at once', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: Client
  let visitor: Client
  let storage: NodeStorage
  const name = uniqueName('early')
  const owner = generateKeyPair()
  let record: Uint8Array

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/relay`)
    publisher = await createClient({ relays: [relay.tcp] })
    await waitForRoutingTable(publisher, 1)
    record = await rootRecord(name, owner, { content: await contentRoot(name) })
    assert.ok((await dhtPut(publisher, await dhtKey(name), record)) > 0)
    // A visitor whose kad-dht holds every look-up until a self-query an hour away.
    visitor = await createClient({ relays: [relay.tcp], initialQuerySelfInterval: HOUR })
    storage = await openNodeStorage({ dir: `${dir}/visitor` })
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await storage?.close()
    await relay?.stop()
    await removeDir(dir)
  })

  function resolver(): Resolver {
    return new Resolver({
      dht: visitor.services.dht,
      storage,
      trustedRegistrars: [],
      now: Date.now,
      events: new EventTarget(),
      relayConnections: () => visitor.getConnections(),
    })
  }

  it("resolves a name from the relay's record while kad-dht's look-up is held, and pins and caches it", async () => {
    const resolved = await resolver().resolve(name, { signal: AbortSignal.timeout(20_000) })
    assert.equal(resolved.record.body.name, name)
    assert.deepEqual(resolved.record.holder, owner.publicKey)
    assert.equal(resolved.record.body.content?.toString(), (await contentRoot(name)).toString())
    assert.deepEqual((await storage.pins.getPin(name))?.holder, owner.publicKey)
    assert.deepEqual((await storage.records.getCachedRecord(name))?.bytes, record)
  })

  it("does not take a relay's record of another holder than the pinned one", async () => {
    const other = generateKeyPair()
    await storage.pins.replacePin(name, other.publicKey, Date.now())
    await storage.records.deleteCachedRecord(name)
    await assert.rejects(
      resolver().resolve(name, { signal: AbortSignal.timeout(3_000) }),
      'TimeoutError',
    )
  })
})
