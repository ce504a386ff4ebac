/**
 * A network of more than 64 relays places each site on the relays closest to its key: a real
 * relay connected to 150 peers that pass for relays (they identify as taking uploads and stay
 * connected; each counts the uploads offered to it) asks, for one site, the 64 relays closest
 * to the site's key, not the first 64 its peer store lists. A tab uploads the site to that
 * relay, which is not one of the site's three placed relays: it hands the site on to exactly
 * the three peers closest to the key.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey } from '../../src/core/records/index.ts'
import { createSiteHost, publishSite } from '../../src/net/hosting/index.ts'
import { uploadSite } from '../../src/net/mirror/index.ts'
import { closestPeers } from '../../relay-node/src/mirror/placement.ts'
import { MAX_PLACEMENT_CANDIDATES } from '../../relay-node/src/mirror/constants.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { MemorySites, MemoryStore, pattern } from '../net/hosting-support.ts'
import { connectAll, startFakeRelay, type FakeRelay } from '../faults/support/fake-relays.ts'
import { createClient, type Client } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'

const FAKES = 150
const REPLICAS = 3

describe('placement in a network of more than 64 relays', () => {
  let dir: string
  let relay: RelayProcess
  let tab: Client
  const fakes: FakeRelay[] = []
  const store = new MemoryStore()

  before(async () => {
    assert.ok(FAKES > 2 * MAX_PLACEMENT_CANDIDATES)
    dir = await tempDir('an-mirror-closest-')
    relay = await startRelay(`${dir}/r`, [
      '--mirror-replicas',
      String(REPLICAS),
      '--mirror-scan-interval',
      '1h',
    ])
    // One loopback address each (relays on loopback count each alone in placement).
    for (let i = 0; i < FAKES; i += 10)
      fakes.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, FAKES - i) }, async (_, j) => {
            const fake = await startFakeRelay(
              undefined,
              `127.0.${20 + ((i + j) >> 7)}.${((i + j) % 128) + 1}`,
            )
            await connectAll(fake, [relay.tcp])
            return fake
          }),
        )),
      )
    let seen = 0
    await eventually(
      `the relay to identify ${FAKES} relays`,
      async () => {
        const health = await getJson<{ mirror: { identifiedRelays: number } }>(relay, '/health')
        seen = health.mirror.identifiedRelays
        return seen === FAKES
      },
      120_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; ${seen} identified`)
    })
    tab = await createClient({ relays: [relay.tcp] })
  })

  after(async () => {
    await tab?.stop()
    await Promise.all(fakes.map((f) => f.stop()))
    await relay?.stop()
    await removeDir(dir)
  })

  it('hands a site on to the three relays closest to its key', async () => {
    const self = peerIdFromString(relay.peerId)
    let site = ''
    let placed: FakeRelay[] = []
    do {
      site = uniqueName('closest')
      const order = closestPeers(await dhtKey(site), [self, ...fakes.map((f) => f.node.peerId)])
      placed = order
        .slice(0, REPLICAS)
        .map((p) => fakes.find((f) => f.node.peerId.equals(p)))
        .filter((f): f is FakeRelay => f !== undefined)
    } while (placed.length < REPLICAS)

    const owner = generateKeyPair()
    const published = await publishSite(
      {
        store,
        host: createSiteHost({ store }),
        sites: new MemorySites(),
        hostEntry: () => ({ id: tab.peerId.toMultihash().bytes, addrs: [] }),
        publish: async (fields) => ({ record: await createRecord(fields, owner), accepted: 0 }),
      },
      { site, worker: false, files: [{ path: '/index.html', content: pattern(4096) }] },
    )
    const result = await uploadSite(tab, self, {
      record: published.record,
      signal: AbortSignal.timeout(60_000),
      getBlock: (cid) => store.getBlock(cid),
    })
    assert.equal(result.state, 'stored', `the relay takes the upload: ${result.message}`)
    const offered = await eventually(
      `the relay to offer the site to ${REPLICAS} relays`,
      () => {
        const to = fakes.filter((f) => f.uploads > 0)
        return to.length >= REPLICAS ? to : undefined
      },
      60_000,
      100,
    )
    assert.deepEqual(
      offered.map((f) => f.node.peerId.toString()).sort(),
      placed.map((f) => f.node.peerId.toString()).sort(),
      'the site goes to the relays closest to its key',
    )
  })
})
