import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import type { KadDHT } from '@libp2p/kad-dht'
import { equals, toHex } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { rootSiteName } from '../../src/core/names/index.ts'
import {
  createRecord,
  createRevocation,
  decodeRecord,
  dhtKey,
  type SignedRecord,
} from '../../src/core/records/index.ts'
import { Resolver } from '../../src/net/naming/resolver.ts'
import type { AlternetStorage } from '../../src/storage/index.ts'

/** A DHT whose servers (by name) each answer with the values given. */
class FakeDht {
  readonly values = new Map<string, Map<string, Uint8Array>>()
  async set(name: string, server: string, bytes: Uint8Array): Promise<void> {
    const key = toHex(await dhtKey(name))
    const servers = this.values.get(key) ?? new Map<string, Uint8Array>()
    servers.set(server, bytes)
    this.values.set(key, servers)
  }
  async *get(key: Uint8Array): AsyncGenerator<unknown> {
    await Promise.resolve()
    const servers = this.values.get(toHex(key))
    // A server holding nothing for the key still answers.
    if (servers === undefined) yield { name: 'PEER_RESPONSE', from: { toString: () => 'empty' } }
    for (const [server, value] of servers ?? []) {
      yield { name: 'PEER_RESPONSE', from: { toString: () => server }, record: { value } }
    }
  }
}

/** A DHT whose every server fails the question (a reset stream, a refused dial). */
class UnansweringDht extends FakeDht {
  /** kad-dht's `QueryError` is an answer its validator refused; others are failures. */
  errorName = 'StreamResetError'
  override async *get(): AsyncGenerator<unknown> {
    await Promise.resolve()
    const error = Object.assign(new Error('reset'), { name: this.errorName })
    for (const server of ['s1', 's2'])
      yield { name: 'QUERY_ERROR', from: { toString: () => server }, error }
  }
}

/** A DHT that answers only once `open` is called, and stops when the signal it is given aborts. */
class GatedDht extends FakeDht {
  calls = 0
  lastSignal: AbortSignal | undefined
  private opened!: () => void
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve))
  reached!: () => void
  readonly asked = new Promise<void>((resolve) => (this.reached = resolve))
  open(): void {
    this.opened()
  }
  override async *get(
    key: Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<unknown> {
    this.calls++
    this.lastSignal = options.signal
    this.reached()
    await Promise.race([
      this.gate,
      new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), {
          once: true,
        }),
      ),
    ])
    yield* super.get(key)
  }
}

/** The parts of the store the resolver uses, in memory. */
function memoryStorage(): AlternetStorage & {
  cached: Map<string, { bytes: Uint8Array; receivedAt: number }>
  pinned: Map<string, Uint8Array>
} {
  const cached = new Map<string, { bytes: Uint8Array; receivedAt: number }>()
  const pinned = new Map<string, Uint8Array>()
  const storage = {
    cached,
    pinned,
    records: {
      getCachedRecord: async (site: string) => {
        const c = cached.get(site)
        return c === undefined ? undefined : { site, ...c, holder: decodeRecord(c.bytes).holder }
      },
      putCachedRecord: async (site: string, bytes: Uint8Array, receivedAt = Date.now()) => {
        cached.set(site, { bytes, receivedAt })
        return true
      },
      deleteCachedRecord: async (site: string) => {
        cached.delete(site)
      },
    },
    pins: {
      getPin: async (site: string) => {
        const holder = pinned.get(rootSiteName(site))
        return holder === undefined
          ? undefined
          : { site: rootSiteName(site), holder, pinnedAt: 0, replaced: false }
      },
      pin: async (site: string, holder: Uint8Array) => {
        const current = pinned.get(rootSiteName(site))
        if (current !== undefined && !equals(current, holder))
          throw Object.assign(new Error('pin mismatch'), {
            name: 'PinMismatchError',
            pinned: current,
          })
        pinned.set(rootSiteName(site), holder)
        return { site, holder, pinnedAt: 0, replaced: false }
      },
      replacePin: async (site: string, holder: Uint8Array) => {
        pinned.set(rootSiteName(site), holder)
        return { site, holder, pinnedAt: 0, replaced: true }
      },
    },
  }
  return storage as unknown as AlternetStorage & typeof storage
}

function resolverWith(
  dht: FakeDht,
  storage = memoryStorage(),
  events = new EventTarget(),
): Resolver {
  return new Resolver({
    dht: dht as unknown as KadDHT,
    storage,
    trustedRegistrars: [],
    now: Date.now,
    events,
  })
}

describe('naming resolver over a DHT with rival records', () => {
  it('does not count a subdomain record its root does not vouch for as holding the name', async () => {
    const owner = generateKeyPair()
    const stranger = generateKeyPair()
    const dht = new FakeDht()
    const root = await createRecord({ type: 'root', name: 'shop:test', seq: 1 }, owner)
    const rival = await createRecord(
      {
        type: 'TXT',
        name: 'www.shop:test',
        seq: 3,
        text: 'squat',
        root: { owner: stranger.publicKey },
      },
      stranger,
    )
    for (const server of ['s1', 's2', 's3']) {
      await dht.set('shop:test', server, root.bytes)
      await dht.set('www.shop:test', server, rival.bytes)
    }
    const records: SignedRecord[] = await resolverWith(dht).networkRecords('www.shop:test')
    assert.equal(records.length, 0, 'the squatter holds nothing')
    assert.equal((await resolverWith(dht).networkRecords('shop:test')).length, 1)
  })

  it('does not take a lookup no server answered for a free name: a publish must not pick its seq from it', async () => {
    const resolver = resolverWith(new UnansweringDht())
    await assert.rejects(resolver.networkRecords('shop:test'), 'LookupTimeoutError')
    await assert.rejects(resolver.resolve('shop:test'), 'LookupTimeoutError')
    // A server that answers without a record: the name is free.
    assert.deepEqual(await resolverWith(new FakeDht()).networkRecords('shop:test'), [])
    await assert.rejects(resolverWith(new FakeDht()).resolve('shop:test'), 'NameNotFoundError')
    // A server whose record this node's validator refused answered too.
    const refused = new UnansweringDht()
    refused.errorName = 'QueryError'
    await assert.rejects(resolverWith(refused).resolve('shop:test'), 'NameNotFoundError')
  })

  it('gives a first-time visitor the holder most servers returned, not a back-dated rival from one, and warns', async () => {
    const honest = generateKeyPair()
    const rogue = generateKeyPair()
    const now = Date.now()
    const real = await createRecord(
      { type: 'root', name: 'bank:test', seq: 1, created: now - 1000 },
      honest,
    )
    const rival = await createRecord(
      {
        type: 'root',
        name: 'bank:test',
        seq: 1,
        created: now - 86_400_000,
        expires: now + 86_400_000,
      },
      rogue,
    )
    const dht = new FakeDht()
    await dht.set('bank:test', 'rogue', rival.bytes)
    await dht.set('bank:test', 's1', real.bytes)
    await dht.set('bank:test', 's2', real.bytes)
    const storage = memoryStorage()
    const events = new EventTarget()
    const conflicts: Array<{ site: string; chosen: Uint8Array }> = []
    events.addEventListener('conflict', (e) =>
      conflicts.push((e as CustomEvent<{ site: string; chosen: Uint8Array }>).detail),
    )
    const resolved = await resolverWith(dht, storage, events).resolve('bank:test')
    assert.deepEqual(resolved.record.bytes, real.bytes)
    assert.deepEqual(
      storage.pinned.get('bank:test'),
      honest.publicKey,
      'the majority holder is pinned, never the rival',
    )
    assert.equal(conflicts.length, 1)
    assert.equal(conflicts[0].site, 'bank:test')
    assert.deepEqual(resolved.conflict?.chosen, honest.publicKey)
  })

  it('pins nobody on a first visit when two holders are returned by one server each, and lets the person pick', async () => {
    const honest = generateKeyPair()
    const rogue = generateKeyPair()
    const now = Date.now()
    const real = await createRecord(
      { type: 'root', name: 'shop:test', seq: 1, created: now - 1000 },
      honest,
    )
    const rival = await createRecord(
      {
        type: 'root',
        name: 'shop:test',
        seq: 1,
        created: now - 47 * 3_600_000,
        expires: now + 3_600_000,
      },
      rogue,
    )
    const dht = new FakeDht()
    await dht.set('shop:test', 'rogue', rival.bytes)
    await dht.set('shop:test', 's1', real.bytes)
    const storage = memoryStorage()
    const events = new EventTarget()
    let conflicts = 0
    events.addEventListener('conflict', () => conflicts++)
    const resolver = resolverWith(dht, storage, events)
    const err = await resolver.resolve('shop:test').then(
      () => undefined,
      (e: unknown) => e as Error & { offers?: Array<{ holder: Uint8Array }> },
    )
    assert.equal(err?.name, 'NameContestedError')
    assert.deepEqual(
      err?.offers?.map((o) => toHex(o.holder)).sort(),
      [toHex(honest.publicKey), toHex(rogue.publicKey)].sort(),
    )
    assert.equal(storage.pinned.get('shop:test'), undefined, 'a holder was pinned on a tie')
    assert.equal(storage.cached.get('shop:test'), undefined, 'a record was cached on a tie')
    assert.equal(conflicts, 1)
    // The person picks the holder whose fingerprint the owner confirmed.
    await resolver.acceptKeyChange('shop:test', honest.publicKey)
    const resolved = await resolver.resolve('shop:test')
    assert.deepEqual(resolved.record.bytes, real.bytes)
    assert.deepEqual(storage.pinned.get('shop:test'), honest.publicKey)
  })

  it('throws NameRevokedError and drops the cached record when a relay holds a trusted revocation, even with no record left in the DHT', async () => {
    const owner = generateKeyPair()
    const revoker = generateKeyPair()
    const stranger = generateKeyPair()
    const record = await createRecord({ type: 'root', name: 'gone:test', seq: 1 }, owner)
    const revocation = await createRevocation({ name: 'gone:test' }, revoker)
    const forged = await createRevocation({ name: 'kept:test' }, stranger)
    const storage = memoryStorage()
    await storage.records.putCachedRecord('gone:test', record.bytes, Date.now())
    const asked: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : input)
      asked.push(url.pathname)
      if (url.pathname === '/revocations/gone%3Atest')
        return new Response(new Uint8Array(revocation.bytes), { status: 200 })
      if (url.pathname === '/revocations/kept%3Atest')
        return new Response(new Uint8Array(forged.bytes), { status: 200 })
      return new Response('', { status: 404 })
    }) as typeof fetch
    try {
      const dht = new FakeDht()
      const kept = await createRecord({ type: 'root', name: 'kept:test', seq: 1 }, owner)
      await dht.set('kept:test', 's1', kept.bytes)
      const resolver = new Resolver({
        dht: dht as unknown as KadDHT,
        storage,
        trustedRegistrars: [],
        now: Date.now,
        events: new EventTarget(),
        revocations: {
          trustedRevokers: () => [revoker.publicKey],
          connectedRelayUrls: () => ['http://relay.test'],
        },
      })
      const err = (await assert.rejects(
        resolver.resolve('gone:test', { fresh: true }),
        'NameRevokedError',
      )) as { site: string }
      assert.equal(err.site, 'gone:test')
      assert.equal(storage.cached.has('gone:test'), false, 'the cached record is dropped')
      await assert.rejects(resolver.resolve('gone:test'), 'NameRevokedError')
      // A revocation by a key the relays do not trust changes nothing.
      assert.deepEqual((await resolver.resolve('kept:test')).record.bytes, kept.bytes)
      assert.ok(asked.includes('/revocations/kept%3Atest'))
    } finally {
      globalThis.fetch = realFetch
    }
  })
  it('keeps a lookup shared by two resolves going when the first one is aborted, and stops it once both are', async () => {
    const owner = generateKeyPair()
    const record = await createRecord({ type: 'root', name: 'shared:test', seq: 1 }, owner)
    const dht = new GatedDht()
    await dht.set('shared:test', 's1', record.bytes)
    const resolver = resolverWith(dht)
    // The address bar's look-ahead asks first; the document asked at Go joins its lookup.
    const typing = new AbortController()
    const lookahead = resolver.lookup('shared:test', typing.signal)
    const documentAsked = resolver.lookup('shared:test')
    await dht.asked
    typing.abort(new DOMException('Typed on', 'AbortError'))
    await assert.rejects(lookahead, 'AbortError')
    dht.open()
    const one = await documentAsked
    assert.deepEqual(one.record.bytes, record.bytes, 'the joined lookup still answers')
    assert.equal(dht.calls, 1, 'one lookup for both')

    // Every caller gone: the lookup itself stops, and the next one starts afresh.
    const again = new GatedDht()
    await again.set('shared:test', 's1', record.bytes)
    const fresh = resolverWith(again)
    const a = new AbortController()
    const b = new AbortController()
    const first = fresh.lookup('shared:test', a.signal)
    const second = fresh.lookup('shared:test', b.signal)
    await again.asked
    a.abort(new DOMException('Typed on', 'AbortError'))
    assert.equal(again.lastSignal?.aborted, false, 'one caller still waits')
    b.abort(new DOMException('Typed on', 'AbortError'))
    await assert.rejects(first, 'AbortError')
    await assert.rejects(second, 'AbortError')
    assert.equal(again.lastSignal?.aborted, true, 'the lookup stops once nobody waits')
    again.open()
    assert.deepEqual((await fresh.lookup('shared:test')).record.bytes, record.bytes)
    assert.equal(again.calls, 2, 'a new lookup after the aborted one')
  })
})
