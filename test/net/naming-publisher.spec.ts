import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import type { KadDHT } from '@libp2p/kad-dht'
import { equals } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import {
  createRecord,
  decodeRecord,
  type RecordFields,
  type SignedRecord,
} from '../../src/core/records/index.ts'
import { publish } from '../../src/net/naming/publisher.ts'
import { Resolver } from '../../src/net/naming/resolver.ts'
import type { AlternetStorage } from '../../src/storage/index.ts'

/**
 * One DHT server holding `held`: the first `failures` look-ups fail on every server (a reset,
 * a relay still connecting), later ones answer; puts are stored and acknowledged.
 */
class FlakyDht {
  gets = 0
  held: Uint8Array | undefined
  private readonly failures: number
  constructor(held: Uint8Array | undefined, failures: number) {
    this.held = held
    this.failures = failures
  }
  async *get(): AsyncGenerator<unknown> {
    await Promise.resolve()
    this.gets++
    const from = { toString: () => 'relay' }
    if (this.gets <= this.failures) {
      yield { name: 'QUERY_ERROR', from, error: new Error('stream reset') }
      return
    }
    yield { name: 'PEER_RESPONSE', from, ...(this.held ? { record: { value: this.held } } : {}) }
  }
  async *put(_key: Uint8Array, value: Uint8Array): AsyncGenerator<unknown> {
    await Promise.resolve()
    this.held = value
    yield { name: 'PEER_RESPONSE', messageName: 'PUT_VALUE', from: 'relay', record: { value } }
  }
}

/** A second device's store holding only the imported owner key. */
function importedKeyStorage(owner: ReturnType<typeof generateKeyPair>): AlternetStorage {
  const published = new Map<string, SignedRecord>()
  return {
    identity: {
      getOrCreateOwnerKey: async () => ({
        publicKey: owner.publicKey,
        createRecord: (fields: RecordFields) => createRecord(fields, owner),
      }),
    },
    sites: {
      getPublishedSite: async (site: string) => {
        const r = published.get(site)
        return r && { site, owner: r.holder, seq: r.body.seq }
      },
      putPublishedSite: async (bytes: Uint8Array) => {
        const r = decodeRecord(bytes)
        published.set(r.body.name, r)
      },
    },
    records: { putCachedRecord: async () => true },
    pins: { getPin: async () => undefined, pin: async () => undefined },
  } as unknown as AlternetStorage
}

describe('publishing under a key imported from another device', () => {
  it('asks again while no server answers, and publishes above the seq the network holds', async () => {
    const owner = generateKeyPair()
    const first = await createRecord({ type: 'root', name: 'moving:keys', seq: 1 }, owner)
    const dht = new FlakyDht(first.bytes, 2)
    const storage = importedKeyStorage(owner)
    const init = {
      dht: dht as unknown as KadDHT,
      storage,
      trustedRegistrars: [],
      now: Date.now,
      resolver: new Resolver({
        dht: dht as unknown as KadDHT,
        storage,
        trustedRegistrars: [],
        now: Date.now,
        events: new EventTarget(),
      }),
    }
    const { record } = await publish(init, { type: 'root', name: 'moving:keys' })
    assert.equal(record.body.seq, 2, 'the next version, never a second seq 1')
    assert.ok(equals(dht.held!, record.bytes))
    assert.equal(dht.gets, 3)
  })

  it('refuses in words to publish when no server ever answers, instead of guessing the name free', async () => {
    const owner = generateKeyPair()
    const first = await createRecord({ type: 'root', name: 'moving:keys', seq: 1 }, owner)
    const dht = new FlakyDht(first.bytes, Infinity)
    const storage = importedKeyStorage(owner)
    const resolver = new Resolver({
      dht: dht as unknown as KadDHT,
      storage,
      trustedRegistrars: [],
      now: Date.now,
      events: new EventTarget(),
    })
    const init = {
      dht: dht as unknown as KadDHT,
      storage,
      trustedRegistrars: [],
      now: Date.now,
      resolver,
    }
    await assert.rejects(publish(init, { type: 'root', name: 'moving:keys' }), 'LookupTimeoutError')
    assert.ok(equals(dht.held!, first.bytes), 'the first record is still the one held')
  })
})
