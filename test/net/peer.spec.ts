import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import {
  startPeer,
  type AlternetPeer,
  type PeerNaming,
  type PeerStatus,
  type PeerStorage,
  type PublishProgress,
  type SlowPath,
} from '../../src/net/index.ts'
import { equal, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { MemorySites, MemoryStore, NameTable, bounded, tcpNode } from './hosting-support.ts'

const SITE = 'facade:code'

function naming(names: NameTable): PeerNaming {
  const publish = names.publisher(generateKeyPair())
  return {
    publish: (fields) => publish(fields),
    resolve: (site) => names.resolve(site),
  }
}

function storage(): PeerStorage & { blocks: MemoryStore } {
  return { blocks: new MemoryStore(), sites: new MemorySites() }
}

describe('AlternetPeer assembled from parts, over TCP', () => {
  const names = new NameTable()
  let a: AlternetPeer
  let b: AlternetPeer
  const progress: PublishProgress[] = []
  const statuses: PeerStatus[] = []

  before(async () => {
    a = await startPeer({ libp2p: await tcpNode(), storage: storage(), naming: naming(names) })
    b = await startPeer({ libp2p: await tcpNode(), storage: storage(), naming: naming(names) })
    a.addEventListener('progress', (e) => progress.push((e as CustomEvent<PublishProgress>).detail))
    b.addEventListener('status', (e) => statuses.push((e as CustomEvent<PeerStatus>).detail))
  })

  after(async () => {
    await Promise.all([a.stop(), b.stop()])
  })

  it('publishes a single page written in the app, with progress events in order', async () => {
    const result = await a.publishSite({
      site: SITE,
      files: [{ path: '/index.html', content: '<h1>written here</h1>' }],
    })
    equal(result.files, 1)
    const phases = progress.map((p) => p.phase)
    equal(phases[0], 'hashing')
    equal(phases.at(-1), 'done')
    ok(phases.indexOf('storing') < phases.indexOf('announcing'))
    equal((await a.hostedSites()).length, 1)
  })

  it('fetches it from the other peer and reports the connection in status events', async () => {
    const res = await bounded(() => b.fetch(`an://${SITE}/`))
    equal(await res.text(), '<h1>written here</h1>')
    const status = b.status()
    equal(status.peerId, b.peerId.toString())
    ok(status.peers >= 1)
    equal(status.slowPath.length, 0)
    ok(
      statuses.some((s) => s.peers >= 1),
      'a status event followed the new connection',
    )
  })

  it('stops hosting a site: its record no longer names A, no longer listed, blocks deleted', async () => {
    const before = (await names.resolve(SITE)).record
    const result = await a.stopHosting(SITE)
    equal(result.hosts.length, 0)
    const after = (await names.resolve(SITE)).record
    equal(after.body.seq, before.body.seq + 1)
    equal(after.body.hosts, undefined)
    equal((await a.hostedSites()).length, 0)
    equal((a.storage.blocks as MemoryStore).blocks.size, 0)
  })
})

describe('AlternetPeer: the relayed path when no direct connection can be made', () => {
  const names = new NameTable()
  let relay: Libp2p
  let a: AlternetPeer
  let b: AlternetPeer

  async function relayedNode(listen: string[]): Promise<Libp2p> {
    return createLibp2p({
      addresses: { listen },
      transports: [tcp(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    })
  }

  before(async () => {
    relay = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), relay: circuitRelayServer() },
    })
    const aNode = await relayedNode(['/p2p-circuit'])
    await aNode.dial(relay.getMultiaddrs()[0])
    await bounded(async () => {
      while (!aNode.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit')))
        await new Promise((r) => setTimeout(r, 50))
    }, 10_000)
    a = await startPeer({ libp2p: aNode, storage: storage(), naming: naming(names) })
    // B has no listening address of its own: it can reach A only through the relay.
    b = await startPeer({
      libp2p: await relayedNode([]),
      storage: storage(),
      naming: naming(names),
    })
  })

  after(async () => {
    await Promise.all([a.stop(), b.stop()])
    await relay.stop()
  })

  it('fetches over the limited circuit and tells the user it is slow', async () => {
    const published = await a.publishSite({
      site: 'relayed:code',
      files: [{ path: '/index.html', content: '<p>through the relay</p>' }],
    })
    const addrs = published.record.body.hosts?.[0].addrs ?? []
    ok(addrs.length > 0, 'the record carries the /p2p-circuit address')
    const slow: SlowPath[] = []
    b.addEventListener('slow-path', (e) => slow.push((e as CustomEvent<SlowPath>).detail))
    const res = await bounded(() => b.fetch('an://relayed:code/'))
    equal(res.status, 200, res.headers.get('x-an-error') ?? '')
    equal(await res.text(), '<p>through the relay</p>')
    equal(slow.length, 1)
    equal(slow[0].peer, a.peerId.toString())
    equal(b.status().slowPath.length, 1, 'status says the path to A is slow')
    ok(b.libp2p.getConnections(a.peerId).every((c) => c.limits != null))
  })
})
