import type { KadDHT } from '@libp2p/kad-dht'
import type { Libp2p } from '@libp2p/interface'
import { equals } from '../../src/core/bytes.ts'
import { generateKeyPair, type Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import {
  createRecord,
  decodeRecord,
  type RecordFields,
  type RecordHost,
} from '../../src/core/records/index.ts'
import { createSiteFetcher } from '../../src/net/fetch/index.ts'
import { hostEntry, type StopHostingProgress } from '../../src/net/hosting/index.ts'
import { Republisher } from '../../src/net/naming/republisher.ts'
import { startPeer, type AlternetPeer, type PeerNaming } from '../../src/net/index.ts'
import type { AlternetStorage } from '../../src/storage/index.ts'
import { deepEqual, equal, ok, rejects } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemorySites, MemoryStore, NameTable, bounded, tcpNode } from './hosting-support.ts'

/**
 * A naming service over `names` signing with `owner`, its seq raised above the one the table
 * holds as the real publisher does; `failing` makes its publish refuse.
 */
function naming(
  names: NameTable,
  owner: Ed25519KeyPair,
): PeerNaming & { failing: boolean; publishes: number } {
  const publish = names.publisher(owner)
  const service = {
    failing: false,
    publishes: 0,
    publish: async (fields: RecordFields) => {
      if (service.failing) {
        const error = new Error('No DHT server stored the record.')
        error.name = 'PublishRefusedError'
        throw error
      }
      service.publishes++
      const held = names.records.get(fields.name)
      const seq = Math.max(fields.seq, held === undefined ? 0 : decodeRecord(held).body.seq + 1)
      return publish({ ...fields, seq })
    },
    resolve: (site: string) => names.resolve(site),
  }
  return service
}

function storage(): { blocks: MemoryStore; sites: MemorySites } {
  return { blocks: new MemoryStore(), sites: new MemorySites() }
}

type Peer = AlternetPeer<Libp2p, ReturnType<typeof storage>, ReturnType<typeof naming>>

function idOf(peer: { peerId: { toMultihash(): { bytes: Uint8Array } } }): Uint8Array {
  return peer.peerId.toMultihash().bytes
}

function lists(hosts: readonly RecordHost[] | undefined, id: Uint8Array): boolean {
  return hosts?.some((h) => equals(h.id, id)) === true
}

describe('stopping hosting takes this node out of the site record', () => {
  const names = new NameTable()
  const owner = generateKeyPair()
  let a: Peer
  let mirror: Peer
  let visitor: Libp2p

  /** A visitor's fetch with an empty store, every dial bounded. */
  function visit(url: string): Promise<Response> {
    const fetcher = createSiteFetcher({
      libp2p: visitor,
      resolve: (s) => names.resolve(s),
      store: new MemoryStore(),
      connect: { directTimeout: 5_000, relayTimeout: 5_000 },
      client: { responseTimeout: 5_000 },
    })
    return bounded(() => fetcher.fetch(url))
  }

  before(async () => {
    const start = async (): Promise<Peer> =>
      startPeer({ libp2p: await tcpNode(), storage: storage(), naming: naming(names, owner) })
    ;[a, mirror] = await Promise.all([start(), start()])
    visitor = await tcpNode()
  })

  after(async () => {
    await Promise.all([a.stop(), mirror.stop(), visitor.stop()])
  })

  it('the only host: seq + 1, no hosts, content root kept, and visitors get 502 HostUnreachableError without dialling it', async () => {
    const site = 'alone:code'
    const published = await a.publishSite({
      site,
      files: [{ path: '/index.html', content: '<h1>alone</h1>' }],
    })
    const progress: StopHostingProgress[] = []
    const result = await a.stopHosting(site, { onProgress: (p) => progress.push(p) })
    deepEqual(
      progress.map((p) => p.phase),
      ['withdrawing', 'deleting', 'done'],
    )
    equal(result.hosts.length, 0)
    equal(result.accepted, 1)

    const { record } = await names.resolve(site)
    equal(record.body.seq, published.record.body.seq + 1)
    equal(record.body.hosts, undefined, 'a record with no host left carries none')
    ok(record.body.content?.equals(published.root), 'the content root stays named')
    equal(record.body.type, 'root')
    const stored = await a.storage.sites.getPublishedSite(site)
    equal(stored?.seq, record.body.seq)
    equal(stored?.hosted, false)
    equal((await a.hostedSites()).length, 0)
    equal(a.storage.blocks.blocks.size, 0, 'the blocks are deleted')

    const res = await visit(`an://${site}/`)
    equal(res.status, 502)
    equal(res.headers.get('x-an-error'), 'HostUnreachableError')
    equal(visitor.getConnections(a.peerId).length, 0, 'the old host was not dialled')
  })

  it('keeps the other hosts the owner signed in: the mirror stays and serves', async () => {
    const site = 'shared:code'
    const files = [{ path: '/index.html', content: '<h1>shared</h1>' }]
    const published = await a.publishSite({ site, files })
    // Another device of the same owner hosts the same content and signs itself in next to A.
    const copy = await mirror.publishSite({ site, files })
    ok(copy.root.equals(published.root))
    const mirrorEntry = hostEntry(mirror.libp2p)
    const both = await mirror.naming.publish({
      type: 'root',
      name: site,
      seq: copy.record.body.seq + 1,
      content: published.root,
      hosts: [hostEntry(a.libp2p), mirrorEntry],
    })

    const result = await a.stopHosting(site)
    const { record } = await names.resolve(site)
    equal(record.body.seq, both.record.body.seq + 1, 'above the version the other device signed')
    ok(!lists(record.body.hosts, idOf(a)), 'A is no longer a host')
    deepEqual(record.body.hosts, [mirrorEntry], 'the mirror is kept as it was signed')
    deepEqual(result.hosts, [mirrorEntry])
    ok(record.body.content?.equals(published.root))

    for (const c of visitor.getConnections(a.peerId)) await c.close()
    const res = await visit(`an://${site}/`)
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    equal(await res.text(), '<h1>shared</h1>')
    equal(visitor.getConnections(a.peerId).length, 0, 'only the mirror was dialled')
  })

  it('when the record cannot be published: StopHostingError, nothing deleted, still hosted', async () => {
    const site = 'stubborn:code'
    const published = await a.publishSite({
      site,
      files: [{ path: '/index.html', content: '<h1>still here</h1>' }],
    })
    const blocks = a.storage.blocks.blocks.size
    a.naming.failing = true
    try {
      const error = (await rejects(a.stopHosting(site), 'StopHostingError')) as Error
      equal((error.cause as Error).name, 'PublishRefusedError')
    } finally {
      a.naming.failing = false
    }
    const { record } = await names.resolve(site)
    equal(record.body.seq, published.record.body.seq, 'the record is unchanged')
    ok(lists(record.body.hosts, idOf(a)))
    equal(a.storage.blocks.blocks.size, blocks, 'no block was deleted')
    equal((await a.storage.sites.getPublishedSite(site))?.hosted, true)
    ok((await a.hostedSites()).some((s) => s.site === site))
    const res = await visit(`an://${site}/`)
    equal(await res.text(), '<h1>still here</h1>', 'visitors are still served')

    // Once publishing works again, trying again completes.
    await a.stopHosting(site)
    ok(!lists((await names.resolve(site)).record.body.hosts, idOf(a)))
    ok(!(await a.hostedSites()).some((s) => s.site === site))
  })

  it('a site whose record no longer names this node is stopped without a new version', async () => {
    const site = 'alone:code'
    const before = await names.resolve(site)
    const publishes = a.naming.publishes
    await a.stopHosting(site)
    equal(a.naming.publishes, publishes)
    equal((await names.resolve(site)).record.body.seq, before.record.body.seq)
  })
})

describe('the republisher never signs this node back in for a site not hosted here', () => {
  const names = new NameTable()
  const owner = generateKeyPair()
  let a: Peer
  let republisher: Republisher

  before(async () => {
    a = await startPeer({
      libp2p: await tcpNode(),
      storage: storage(),
      naming: naming(names, owner),
    })
    // Its puts land in the name table, where visitors resolve.
    const dht = {
      async *put(_key: Uint8Array, value: Uint8Array) {
        names.records.set(decodeRecord(value).body.name, value)
        yield { name: 'PEER_RESPONSE', messageName: 'PUT_VALUE', record: { value }, from: 'server' }
      },
    } as unknown as KadDHT
    const store = {
      name: 'republisher-spec',
      identity: {
        getOrCreateOwnerKey: async () => ({
          publicKey: owner.publicKey,
          createRecord: (fields: RecordFields) => createRecord(fields, owner),
        }),
      },
      sites: a.storage.sites,
      records: { putCachedRecord: async () => true },
    } as unknown as AlternetStorage
    republisher = new Republisher({
      self: a.libp2p,
      events: a.libp2p,
      dht,
      storage: store,
      now: Date.now,
      hostEntry,
    })
  })

  after(async () => {
    republisher.stop()
    await a.stop()
  })

  it('re-signs a stopped site without this node, and keeps it out', async () => {
    const site = 'gone:code'
    const published = await a.publishSite({
      site,
      files: [{ path: '/index.html', content: '<p>gone</p>' }],
    })
    await a.stopHosting(site)
    const withdrawn = (await names.resolve(site)).record
    await republisher.republishNow()
    const again = (await names.resolve(site)).record
    equal(again.body.seq, withdrawn.body.seq + 1, 'the record was re-signed')
    equal(again.body.hosts, undefined, 'without this node')
    ok(again.body.content?.equals(published.root))
    equal((await a.storage.sites.getPublishedSite(site))?.hosted, false)
  })

  it('drops this node from a record that still names it while the site is not hosted here', async () => {
    const site = 'adopted:code'
    const other = hostEntry(await tcpNode().then(async (n) => (await n.stop(), n)))
    const published = await a.publishSite({
      site,
      files: [{ path: '/index.html', content: '<p>adopted</p>' }],
    })
    // As after adopting another device's record that lists this node with other content.
    const { record } = await a.naming.publish({
      type: 'root',
      name: site,
      seq: published.record.body.seq + 1,
      content: published.root,
      hosts: [hostEntry(a.libp2p), other],
    })
    await a.storage.sites.putPublishedSite(record.bytes, { hosted: false })
    await republisher.republishNow()
    const again = (await names.resolve(site)).record
    equal(again.body.seq, record.body.seq + 1)
    deepEqual(again.body.hosts, [other], 'the other host stays, this node is gone')
  })

  it('still refreshes its own entry for a site it hosts', async () => {
    const site = 'kept:code'
    await a.publishSite({ site, files: [{ path: '/index.html', content: '<p>kept</p>' }] })
    await republisher.republishNow()
    const again = (await names.resolve(site)).record
    ok(lists(again.body.hosts, idOf(a)), 'a hosted site keeps this node')
  })
})
