/**
 * A name's record asked of the node's connected relay at once, beside kad-dht's look-up: a real
 * relay process holds the record; the visitor's kad-dht never runs its first self-query (an hour
 * away), so every kad-dht look-up of it waits, and only the relay's answer can resolve the name.
 * @module
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import type { Connection } from '@libp2p/interface'
import { dhtKey } from '../../src/core/records/index.ts'
import { askRelays } from '../../src/net/naming/relay-asks.ts'
import { Resolver } from '../../src/net/naming/resolver.ts'
import { DHT_PROTOCOL } from '../../src/net/node/constants.ts'
import { openNodeStorage, type NodeStorage } from '../../src/node/storage/index.ts'
import type { AlternetStorage } from '../../src/storage/index.ts'
import { createClient, dhtPut, waitForRoutingTable, type Client } from '../relay/support/client.ts'
import { contentRoot, generateKeyPair, rootRecord, uniqueName } from '../relay/support/records.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'

const HOUR = 3_600_000
/** Longest a read of the store is held waiting for the relay's question. */
const HOLD_MS = 5_000

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

  function resolver(
    over: AlternetStorage = storage,
    connections = () => visitor.getConnections(),
  ): Resolver {
    return new Resolver({
      dht: visitor.services.dht,
      storage: over,
      trustedRegistrars: [],
      now: Date.now,
      events: new EventTarget(),
      relayConnections: connections,
    })
  }

  /**
   * The visitor's connections, each telling when a name's question (a stream of the DHT protocol)
   * is opened on it; and the store, with its reads of `name`'s cached record and pin held until
   * that question went out (at most `HOLD_MS`), noting whether it had.
   */
  function watched(): {
    connections: () => Connection[]
    over: AlternetStorage
    reads: { read: string; asked: boolean }[]
    /** Forgets the questions asked so far. */
    reset(): void
    /** Whether a question went out, once one did (or `HOLD_MS` passed). */
    questioned(): Promise<boolean>
  } {
    let opened = (): void => undefined
    let asked = new Promise<void>((resolve) => (opened = resolve))
    let isAsked = false
    const reset = (): void => {
      asked = new Promise<void>((resolve) => (opened = resolve))
      isAsked = false
    }
    const connections = (): Connection[] =>
      visitor.getConnections().map((c) =>
        Object.assign(Object.create(c) as Connection, {
          newStream: (protocols: string | string[], options?: object) => {
            if (protocols === DHT_PROTOCOL) {
              isAsked = true
              opened()
            }
            return c.newStream(protocols, options)
          },
        }),
      )
    const reads: { read: string; asked: boolean }[] = []
    const held = async <T>(read: string, site: string, answer: () => Promise<T>): Promise<T> => {
      if (site === name) {
        await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, HOLD_MS))])
        reads.push({ read, asked: isAsked })
      }
      return answer()
    }
    const records = Object.assign(Object.create(storage.records) as AlternetStorage['records'], {
      getCachedRecord: (site: string) =>
        held('cached record', site, () => storage.records.getCachedRecord(site)),
    })
    const pins = Object.assign(Object.create(storage.pins) as AlternetStorage['pins'], {
      getPin: (site: string) => held('pin', site, () => storage.pins.getPin(site)),
    })
    const questioned = async (): Promise<boolean> => {
      await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, HOLD_MS))])
      return isAsked
    }
    return { connections, over: { ...storage, records, pins }, reads, reset, questioned }
  }

  it("resolves a name from the relay's record while kad-dht's look-up is held, and pins and caches it", async () => {
    const resolved = await resolver().resolve(name, { signal: AbortSignal.timeout(20_000) })
    assert.equal(resolved.record.body.name, name)
    assert.deepEqual(resolved.record.holder, owner.publicKey)
    assert.equal(resolved.record.body.content?.toString(), (await contentRoot(name)).toString())
    assert.deepEqual((await storage.pins.getPin(name))?.holder, owner.publicKey)
    assert.deepEqual((await storage.records.getCachedRecord(name))?.bytes, record)
  })

  it("opens the question's stream while the name's key is still being hashed", async () => {
    const { connections, questioned } = watched()
    // The key is known only once the question's stream was opened (or `HOLD_MS` passed).
    let openedFirst: boolean | undefined
    const key = questioned().then(async (opened) => {
      openedFirst = opened
      return dhtKey(name)
    })
    const { answers } = askRelays(key, connections())
    assert.deepEqual(Uint8Array.from((await Promise.any(answers)) ?? []), record)
    assert.equal(openedFirst, true)
  })

  it("writes the relay's record to the cache while its holder is pinned", async () => {
    await storage.pins.deletePin(name)
    await storage.records.deleteCachedRecord(name)
    // The pin's write is held until the cache is written (at most `HOLD_MS`).
    let cacheWritten: () => void = () => undefined
    const writing = new Promise<void>((resolve) => (cacheWritten = resolve))
    let pinnedFirst: boolean | undefined
    const records = Object.assign(Object.create(storage.records) as AlternetStorage['records'], {
      putCachedRecord: (site: string, bytes: Uint8Array, at?: number) => {
        cacheWritten()
        return storage.records.putCachedRecord(site, bytes, at)
      },
    })
    const pins = Object.assign(Object.create(storage.pins) as AlternetStorage['pins'], {
      pin: async (site: string, holder: Uint8Array, at?: number) => {
        const timedOut = await Promise.race([
          writing.then(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(true), HOLD_MS)),
        ])
        pinnedFirst ??= timedOut
        return storage.pins.pin(site, holder, at)
      },
    })
    const resolved = await resolver({ ...storage, records, pins }).resolve(name, {
      signal: AbortSignal.timeout(20_000),
    })
    assert.deepEqual(resolved.record.bytes, record)
    assert.equal(pinnedFirst, false, 'the cache was written while the pin was')
    assert.deepEqual((await storage.pins.getPin(name))?.holder, owner.publicKey)
    assert.deepEqual((await storage.records.getCachedRecord(name))?.bytes, record)
  })

  it("does not answer with a relay's record when another holder was pinned while it was checked", async () => {
    const other = generateKeyPair()
    await storage.pins.replacePin(name, other.publicKey, Date.now())
    await storage.records.deleteCachedRecord(name)
    // The pin is read as absent (another resolve pins the other holder meanwhile).
    const pins = Object.assign(Object.create(storage.pins) as AlternetStorage['pins'], {
      getPin: async () => undefined,
    })
    await assert.rejects(
      resolver({ ...storage, pins }).resolve(name, { signal: AbortSignal.timeout(3_000) }),
      'TimeoutError',
    )
    // What was cached beside the failed pin is not served either.
    await assert.rejects(
      resolver().resolve(name, { signal: AbortSignal.timeout(3_000) }),
      'TimeoutError',
    )
    assert.deepEqual((await storage.pins.getPin(name))?.holder, other.publicKey)
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

  it('asks the relay while the store is still read for a name it has not answered lately', async () => {
    await storage.pins.deletePin(name)
    await storage.records.deleteCachedRecord(name)
    const { connections, over, reads } = watched()
    const resolved = await resolver(over, connections).resolve(name, {
      signal: AbortSignal.timeout(20_000),
    })
    assert.deepEqual(resolved.record.bytes, record)
    assert.deepEqual(
      reads.filter((r) => r.read === 'cached record'),
      [{ read: 'cached record', asked: true }],
    )
  })

  it('asks the relay before the pin is read, for a name its cache answered lately', async () => {
    const { connections, over, reads, reset } = watched()
    const one = resolver(over, connections)
    // The cache answers once (the first resolve, held no longer than HOLD_MS), then is emptied.
    await one.resolve(name, { signal: AbortSignal.timeout(20_000) })
    reads.length = 0
    reset()
    await storage.records.deleteCachedRecord(name)
    const resolved = await one.resolve(name, { signal: AbortSignal.timeout(20_000) })
    assert.deepEqual(resolved.record.bytes, record)
    assert.ok(reads.some((r) => r.read === 'pin'))
    assert.deepEqual(
      reads.filter((r) => r.read === 'pin'),
      reads.filter((r) => r.read === 'pin').map(() => ({ read: 'pin', asked: true })),
    )
  })
})
