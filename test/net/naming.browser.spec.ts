import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import {
  createRecord,
  createRegistration,
  dhtKey,
  type RecordFields,
} from '../../src/core/records/index.ts'
import { createBrowserNode, type BrowserNode, type RelayStatus } from '../../src/net/node/index.ts'
import {
  createNamingService,
  putRecord,
  selfHostEntry,
  type NamingService,
} from '../../src/net/naming/index.ts'
import {
  deleteAlternetStorage,
  openAlternetStorage,
  type AlternetStorage,
} from '../../src/storage/index.ts'
import {
  eventually,
  startAllRelays,
  stopRelay,
  testRelays,
  type TestRelay,
} from '../support/test-relays.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const run = Math.random().toString(36).slice(2, 8)
let counter = 0
/** A root name no other spec uses. */
const fresh = (label: string): string => `${label}${run}x${counter++}:test`
const reserved = (s: RelayStatus): number => s.relays.filter((r) => r.reserved).length

interface Peer {
  storage: AlternetStorage
  node: BrowserNode
  naming: NamingService
}

describe('naming: publish, resolve, pins, CNAMEs, subdomains, republish', () => {
  let relays: TestRelay[]
  const peers: Peer[] = []
  let a: Peer
  let b: Peer

  const startPeer = async (label: string, trustedRegistrars: Uint8Array[] = []): Promise<Peer> => {
    const storage = openAlternetStorage({ name: `test-naming-${label}-${run}` })
    const node = await createBrowserNode({
      privateKey: await storage.identity.getOrCreatePeerKey(),
      relays: relays.map((r) => r.http),
      dev: DEV,
      trustedRegistrars,
      rtcConfiguration: { iceServers: [] },
    })
    await node.relays.waitFor((s) => reserved(s) >= 2 && s.relays.every((r) => r.connected), {
      signal: AbortSignal.timeout(15_000),
    })
    const naming = createNamingService({
      libp2p: node.libp2p,
      storage,
      trustedRegistrars,
      relays: node.relays,
    })
    const peer = { storage, node, naming }
    peers.push(peer)
    return peer
  }
  /** Puts a record made outside any naming service (another person's key) through `peer`'s DHT. */
  const putRaw = async (peer: Peer, fields: RecordFields, key = generateKeyPair()) => {
    const record = await createRecord(fields, key)
    const { accepted } = await putRecord(
      peer.node.libp2p.services.dht,
      await dhtKey(fields.name),
      record.bytes,
      { timeoutMs: 15_000 },
    )
    return { record, accepted, key }
  }

  before(async () => {
    relays = await testRelays()
    a = await startPeer('a')
    b = await startPeer('b')
  })
  after(async () => {
    for (const peer of peers) {
      peer.naming.stop()
      peer.node.relays.stop()
      await peer.node.libp2p.stop()
      peer.storage.close()
      await deleteAlternetStorage(peer.storage.name)
    }
    await startAllRelays()
  })

  it('publishes a record that DHT servers accept and another node resolves', async () => {
    const name = fresh('site')
    const { record, accepted } = await a.naming.publish({
      type: 'root',
      name,
      hosts: [selfHostEntry(a.node.libp2p)],
    })
    assert.ok(accepted >= 1, `accepted by ${accepted}`)
    assert.equal(record.body.seq, 1)
    assert.deepEqual(record.holder, (await a.storage.identity.getOrCreateOwnerKey()).publicKey)
    assert.equal((await a.storage.sites.getPublishedSite(name))?.seq, 1)

    let t0 = performance.now()
    const cold = await b.naming.resolve(name)
    const coldMs = performance.now() - t0
    t0 = performance.now()
    const warm = await b.naming.resolve(name.toUpperCase())
    console.log(
      `resolve cold ${coldMs.toFixed(0)} ms, from cache ${(performance.now() - t0).toFixed(1)} ms`,
    )
    assert.deepEqual(cold.record.bytes, record.bytes)
    assert.equal(cold.fromCache, false)
    assert.equal(warm.fromCache, true)
    assert.equal(warm.site, name)
    assert.deepEqual((await b.storage.pins.getPin(name))?.holder, record.holder)

    const again = await a.naming.publish({
      type: 'root',
      name,
      hosts: [selfHostEntry(a.node.libp2p)],
    })
    assert.equal(again.record.body.seq, 2, 'the next publish climbs above the last seq')
    assert.equal((await b.naming.resolve(name, { fresh: true })).record.body.seq, 2)
  })

  it('answers from the cache past the TTL and refreshes it in the background', async () => {
    const name = fresh('ttl')
    await a.naming.publish({ type: 'root', name, ttl: 1 })
    assert.equal((await b.naming.resolve(name)).record.body.seq, 1)
    await a.naming.publish({ type: 'root', name, ttl: 1 })
    assert.equal(
      (await b.naming.resolve(name)).fromCache,
      true,
      'within the TTL: the cache, no lookup',
    )
    assert.equal((await b.naming.resolve(name)).record.body.seq, 1)
    await new Promise((r) => setTimeout(r, 1_100))
    const updated = new Promise<number>((resolve) =>
      b.naming.addEventListener('update', (e) => {
        const detail = (e as CustomEvent<{ site: string; record: { body: { seq: number } } }>)
          .detail
        if (detail.site === name) resolve(detail.record.body.seq)
      }),
    )
    const stale = await b.naming.resolve(name)
    assert.equal(stale.fromCache, true)
    assert.equal(stale.record.body.seq, 1, 'answered at once with what it had')
    assert.equal(await updated, 2)
    const refreshed = await b.naming.resolve(name)
    assert.equal(refreshed.fromCache, true)
    assert.equal(refreshed.record.body.seq, 2)
  })

  it('says a cached answer is offline only when no DHT server can be asked', async () => {
    const name = fresh('offline')
    await a.naming.publish({ type: 'root', name })
    assert.equal((await b.naming.resolve(name)).offline, false, 'a lookup made now')
    assert.equal((await b.naming.resolve(name)).offline, false, 'cached, with relays to ask')
    // The same store behind a node with no relay: the cached record is all there is.
    const lone = await createBrowserNode({
      privateKey: await b.storage.identity.getOrCreatePeerKey(),
      relays: [],
      dev: DEV,
      rtcConfiguration: { iceServers: [] },
    })
    const naming = createNamingService({ libp2p: lone.libp2p, storage: b.storage })
    try {
      const cached = await naming.resolve(name)
      assert.equal(cached.fromCache, true)
      assert.equal(cached.offline, true)
    } finally {
      naming.stop()
      lone.relays.stop()
      await lone.libp2p.stop()
    }
  })

  it('republishes at start a record last put more than 24 hours ago', async () => {
    const name = fresh('due')
    const first = await a.naming.publish({ type: 'root', name, meta: { kept: 'yes' } })
    const dayAgo = Date.now() - 25 * 60 * 60 * 1000
    await a.storage.sites.putPublishedSite(first.record.bytes, { publishedAt: dayAgo })
    const naming = createNamingService({
      libp2p: a.node.libp2p,
      storage: a.storage,
      relays: a.node.relays,
    })
    naming.startRepublishing()
    try {
      const site = await eventually('the record re-signed', async () => {
        const s = await a.storage.sites.getPublishedSite(name)
        return s !== undefined && s.seq === 2 && s.publishedAt > dayAgo ? s : undefined
      })
      assert.ok(Date.now() - site.publishedAt < 60_000)
      const seen = await b.naming.resolve(name, { fresh: true })
      assert.equal(seen.record.body.seq, 2)
      assert.deepEqual(seen.record.body.meta, { kept: 'yes' })
      assert.ok(seen.record.body.expires > first.record.body.expires, 'a new lifetime')
    } finally {
      naming.stop()
    }
  })

  it('refuses to publish a name another key holds, and so do the relays', async () => {
    const name = fresh('held')
    await a.naming.publish({ type: 'root', name })
    const err = (await assert.rejects(
      b.naming.publish({ type: 'root', name }),
      'NameHeldError',
    )) as { holder: Uint8Array }
    assert.deepEqual(err.holder, (await a.storage.identity.getOrCreateOwnerKey()).publicKey)
    assert.equal(await b.storage.sites.getPublishedSite(name), undefined)
    // Around the naming service, straight to the DHT: every relay refuses the hijack.
    const owner = await b.storage.identity.getOrCreateOwnerKey()
    const hijack = await owner.createRecord({ type: 'root', name, seq: 99 })
    const { accepted } = await putRecord(
      b.node.libp2p.services.dht,
      await dhtKey(name),
      hijack.bytes,
      { timeoutMs: 15_000 },
    )
    assert.equal(accepted, 0)
    assert.deepEqual(
      (await b.naming.resolve(name, { fresh: true })).record.holder,
      (await a.storage.identity.getOrCreateOwnerKey()).publicKey,
    )
  })

  it('refuses a record under a key other than the pinned one until the change is accepted', async () => {
    const name = fresh('tofu')
    const lifetime = 3_000
    const first = await putRaw(a, {
      type: 'root',
      name,
      seq: 1,
      ttl: 1,
      expires: Date.now() + lifetime,
    })
    assert.ok(first.accepted >= 1)
    assert.deepEqual((await b.naming.resolve(name)).record.holder, first.key.publicKey)
    // Once the first record expires the name is free: another key takes it.
    await new Promise((r) => setTimeout(r, lifetime + 200))
    const second = await putRaw(a, { type: 'root', name, seq: 1 })
    assert.ok(second.accepted >= 1, 'relays take a free name')
    const err = (await assert.rejects(b.naming.resolve(name), 'OwnerKeyChangedError')) as {
      pinned: Uint8Array
      offered: Uint8Array
      record: { bytes: Uint8Array }
    }
    assert.deepEqual(err.pinned, first.key.publicKey)
    assert.deepEqual(err.offered, second.key.publicKey)
    assert.deepEqual(err.record.bytes, second.record.bytes)
    await assert.rejects(b.naming.resolve(name, { fresh: true }), 'OwnerKeyChangedError')
    await b.naming.acceptKeyChange(name, second.key.publicKey)
    const accepted = await b.naming.resolve(name)
    assert.deepEqual(accepted.record.bytes, second.record.bytes)
    assert.equal(accepted.fromCache, true, 'the record seen when warned is cached on acceptance')
    assert.equal((await b.storage.pins.getPin(name))?.replaced, true)
  })

  it('follows CNAMEs and refuses a loop', async () => {
    const root = fresh('cname')
    const target = fresh('dest')
    await a.naming.publish({ type: 'root', name: root })
    const dest = await a.naming.publish({
      type: 'root',
      name: target,
      meta: { title: 'destination' },
    })
    await a.naming.publish({ type: 'CNAME', name: `www.${root}`, target })
    const resolved = await b.naming.resolve(`www.${root}`)
    assert.deepEqual(resolved.record.bytes, dest.record.bytes)
    assert.deepEqual(
      resolved.chain.map((r) => r.body.name),
      [`www.${root}`, target],
    )
    assert.equal(resolved.site, `www.${root}`)

    await a.naming.publish({ type: 'CNAME', name: `x.${root}`, target: `y.${root}` })
    await a.naming.publish({ type: 'CNAME', name: `y.${root}`, target: `x.${root}` })
    const err = (await assert.rejects(b.naming.resolve(`x.${root}`), 'CnameLoopError')) as {
      chain: string[]
    }
    assert.deepEqual(err.chain, [`x.${root}`, `y.${root}`, `x.${root}`])
  })

  it('resolves a subdomain signed by a delegate of the root, and refuses one the root did not authorise', async () => {
    const root = fresh('deleg')
    await a.naming.publish({ type: 'root', name: root })
    const rootOwner = await a.storage.identity.getOrCreateOwnerKey()
    const delegate = generateKeyPair()
    const delegation = await rootOwner.createDelegation({
      name: root,
      delegate: delegate.publicKey,
      expires: Date.now() + 3_600_000,
    })
    const api = await putRaw(
      a,
      {
        type: 'TXT',
        name: `api.${root}`,
        seq: 1,
        text: 'by the delegate',
        root: { owner: rootOwner.publicKey, delegation },
      },
      delegate,
    )
    assert.ok(api.accepted >= 1)
    const resolved = await b.naming.resolve(`api.${root}`)
    assert.deepEqual(resolved.record.bytes, api.record.bytes)
    assert.deepEqual(resolved.record.holder, rootOwner.publicKey)

    // A stranger's key signs a subdomain as its own root: relays that store it (not knowing the
    // root's record) do not make it resolve, the resolver checks it against the root's record.
    const evil = await putRaw(a, {
      type: 'TXT',
      name: `evil.${root}`,
      seq: 1,
      text: 'not the owner',
    })
    const refused = (await assert.rejects(b.naming.resolve(`evil.${root}`))) as Error
    assert.equal(refused.name, evil.accepted >= 1 ? 'UnauthorizedSignerError' : 'NameNotFoundError')
  })

  it('lets the root owner publish a subdomain that a stranger claimed with its own key as root owner', async () => {
    const root = fresh('squat')
    const www = `www.${root}`
    await a.naming.publish({ type: 'root', name: root })
    const owner = await a.storage.identity.getOrCreateOwnerKey()
    const stranger = generateKeyPair()
    const rival = await putRaw(
      b,
      { type: 'TXT', name: www, seq: 7, text: 'the squatter', root: { owner: stranger.publicKey } },
      stranger,
    )
    console.log(`the squatter's record was stored by ${rival.accepted} relays`)
    const published = await a.naming.publish({ type: 'TXT', name: www, text: 'the owner' }).then(
      (r) => r,
      (err: Error) => err,
    )
    if (published instanceof Error) {
      // Relays that kept the squatter's record as the first holder may refuse the owner's put;
      // the naming service itself must not refuse it.
      assert.notEqual(
        published.name,
        'NameHeldError',
        'a record its root does not vouch for holds nothing',
      )
    } else {
      const seen = await b.naming.resolve(www, { fresh: true })
      assert.deepEqual(seen.record.bytes, published.record.bytes)
      assert.deepEqual(seen.record.holder, owner.publicKey)
    }
    const seen = await b.naming.resolve(www, { fresh: true }).then(
      (r) => r.record.bytes,
      (err: Error) => err.name,
    )
    assert.ok(
      !(seen instanceof Uint8Array) || !assert.isDeepEqual(seen, rival.record.bytes),
      "the squatter's record never resolves",
    )
  })

  it('honours trusted registrars: an unregistered name does not resolve, a registered one does', async () => {
    const registrar = generateKeyPair()
    const c = await startPeer('c', [registrar.publicKey])
    const open = fresh('open')
    await a.naming.publish({ type: 'root', name: open })
    await assert.rejects(c.naming.resolve(open), 'NameNotFoundError')
    const name = fresh('registered')
    const holder = generateKeyPair()
    const registration = await createRegistration(
      { name, owner: holder.publicKey, expires: Date.now() + 3_600_000 },
      registrar,
    )
    const put = await putRaw(a, { type: 'root', name, seq: 1, registration }, holder)
    assert.deepEqual((await c.naming.resolve(name)).record.bytes, put.record.bytes)
    await assert.rejects(
      c.naming.publish({ type: 'root', name: fresh('unregistered') }),
      'UnregisteredNameError',
    )
  })

  it('republishes with a higher seq and the new addresses when the node moves to another relay', async () => {
    const name = fresh('moving')
    const first = await a.naming.publish({
      type: 'root',
      name,
      hosts: [selfHostEntry(a.node.libp2p)],
    })
    a.naming.startRepublishing()
    const hostAddrs = (r: typeof first.record): string[] =>
      r.body.hosts![0].addrs.map((x) => multiaddr(x).toString())
    const victim = a.node.relays.status().relays.find((r) => r.reserved)!
    assert.ok(
      hostAddrs(first.record).some((x) => x.includes(`/p2p/${victim.peerId}/p2p-circuit`)),
      'the first record lists the relay about to stop',
    )
    await stopRelay(relays.findIndex((r) => r.peerId === victim.peerId))
    const t0 = performance.now()
    try {
      // The node re-signs on every change of its addresses: first when the dead relay's address
      // goes, again when the reservation on another relay arrives. What must hold in the end is a
      // record on the network with a higher seq that names exactly the relays the node now holds.
      const seen = await eventually(
        'a republished record naming the relays the node now holds',
        async () => {
          const r = await b.naming.resolve(name, { fresh: true })
          if (r.record.body.seq <= first.record.body.seq) return undefined
          const addrs = hostAddrs(r.record)
          const current = a.node.relays
            .status()
            .relays.filter((x) => x.reserved)
            .map((x) => x.peerId)
          if (current.length < 2 || addrs.some((x) => x.includes(`/p2p/${victim.peerId}/`)))
            return undefined
          return current.every((relay) =>
            addrs.some((x) => x.includes(`/p2p/${relay}/p2p-circuit`)),
          )
            ? r
            : undefined
        },
        30_000,
        200,
      )
      console.log(
        `the record named the new relays ${(performance.now() - t0).toFixed(0)} ms after the relay stopped`,
      )
      const stored = await a.storage.sites.getPublishedSite(name)
      assert.ok(
        stored !== undefined && stored.seq >= seen.record.body.seq,
        'the device keeps the record it published',
      )
      assert.ok(
        hostAddrs(seen.record).every((x) => !x.includes(`/p2p/${victim.peerId}/`)),
        'the dead relay is gone from the record',
      )
    } finally {
      a.naming.stop()
      await startAllRelays()
      await a.node.relays.waitFor((s) => s.relays.every((r) => r.connected), {
        signal: AbortSignal.timeout(20_000),
      })
      await b.node.relays.waitFor((s) => s.relays.every((r) => r.connected), {
        signal: AbortSignal.timeout(20_000),
      })
    }
  })

  it('adopts a newer record another device published with the same owner key instead of rolling it back', async () => {
    const first = await startPeer('first-device')
    const second = await startPeer('second-device')
    const passphrase = 'two devices share one owner key 42'
    await second.storage.identity.importOwnerKey(
      await first.storage.identity.exportOwnerKey(passphrase),
      passphrase,
    )
    const name = fresh('twodev')
    const old = await first.naming.publish({
      type: 'root',
      name,
      meta: { by: 'first' },
      hosts: [selfHostEntry(first.node.libp2p)],
    })
    const next = await second.naming.publish({
      type: 'root',
      name,
      meta: { by: 'second' },
      hosts: [selfHostEntry(second.node.libp2p)],
    })
    assert.equal(next.record.body.seq, old.record.body.seq + 1)

    await first.naming.republishNow()
    const adopted = await first.storage.sites.getPublishedSite(name)
    assert.deepEqual(
      adopted?.record,
      next.record.bytes,
      "the other device's record is now this one's",
    )
    assert.equal(adopted?.hosted, false, 'not among its hosts: no longer hosted here')
    const seen = await b.naming.resolve(name, { fresh: true })
    assert.deepEqual(seen.record.bytes, next.record.bytes, 'nothing re-signed over it')

    // The next pass keeps the other device's version alive, not this one's old content.
    await first.naming.republishNow()
    const kept = await b.naming.resolve(name, { fresh: true })
    assert.equal(kept.record.body.seq, next.record.body.seq + 1)
    assert.deepEqual(kept.record.body.meta, { by: 'second' })
    assert.deepEqual(kept.record.body.hosts, next.record.body.hosts)
  })

  it('answers from the cache with every relay stopped', async () => {
    const name = fresh('offline')
    const { record } = await a.naming.publish({ type: 'root', name })
    await b.naming.resolve(name)
    for (const relay of relays) await stopRelay(relay.index)
    await eventually('no relay connected', () => b.node.libp2p.getConnections().length === 0)
    const t0 = performance.now()
    const cached = await b.naming.resolve(name)
    console.log(`offline resolve from cache ${(performance.now() - t0).toFixed(1)} ms`)
    assert.equal(cached.fromCache, true)
    assert.deepEqual(cached.record.bytes, record.bytes)
    await assert.rejects(b.naming.resolve(fresh('never'), { signal: AbortSignal.timeout(1_000) }))
  })
})
