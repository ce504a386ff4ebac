/**
 * A tab whose connected relay is not one of the site's placed mirrors: four real relays, R = 2,
 * the tab connected to one relay that is not among the two placed for the site, serving
 * nothing itself (no address anyone could pull from). Publishing pushes the site to that relay
 * as the app does (`pushToRelays`); the relay takes it and hands it on to the placed relays, so
 * the site ends up complete on both, served by them, and counted by the publisher's wait for
 * mirrors; the relay that handed it on keeps no copy.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey } from '../../src/core/records/index.ts'
import { createSiteHost, publishSite } from '../../src/net/hosting/index.ts'
import { pushToRelays, waitForMirrors } from '../../src/net/mirror/index.ts'
import { closestPeers } from '../../relay-node/src/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { MemorySites, MemoryStore, pattern } from '../net/hosting-support.ts'
import { createClient, dhtPut, type Client } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import { startVisitor, waitMirrored, type Visitor } from './support/site-publisher.ts'

const MIB = 1024 * 1024

/** The block files a relay holds (`<data dir>/mirror/blocks/<2 chars>/<cid>`). */
async function blockFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'mirror', 'blocks'), {
    recursive: true,
    withFileTypes: true,
  }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => e.name)
}
const REPLICAS = 2
const FLAGS = ['--mirror-replicas', String(REPLICAS), '--mirror-scan-interval', '2s']

describe('a site pushed to a relay that is not one of its mirrors (four relays, R = 2)', () => {
  let dir: string
  const relays: RelayProcess[] = []
  let tab: Client | undefined
  let visitor: Visitor
  const owner = generateKeyPair()
  const store = new MemoryStore()

  before(async () => {
    dir = await tempDir()
    relays.push(await startRelay(`${dir}/r0`, FLAGS))
    for (let i = 1; i < 4; i++)
      relays.push(await startRelay(`${dir}/r${i}`, [...FLAGS, '--bootstrap', relays[0].tcp]))
    await waitFor('relays see each other', async () => {
      const health = await Promise.all(relays.map((r) => getJson(r, '/health')))
      return health.every((h) => (h.peers as number) >= 3)
    })
    // Each relay's view of the live relays, which it places sites by, holds all four: one
    // that still saw three could count itself placed and keep a copy it should hand on.
    await waitFor('each relay sees the four live relays', async () => {
      const health = await Promise.all(relays.map((r) => getJson(r, '/health')))
      return health.every((h) => (h.mirror as { liveRelays: number }).liveRelays >= 4)
    })
    visitor = await startVisitor(relays.map((r) => r.tcp))
  })

  after(async () => {
    await tab?.stop()
    await visitor?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('reaches the R placed mirrors through the connected relay, and the publisher counts them', async () => {
    // A name whose two placed relays leave out relay 0, the one the tab is connected to.
    let site = ''
    let placed: RelayProcess[] = []
    for (;;) {
      site = uniqueName('placed')
      const order = closestPeers(
        await dhtKey(site),
        relays.map((r) => peerIdFromString(r.peerId)),
      )
      placed = order
        .slice(0, REPLICAS)
        .map((p) => relays.find((r) => r.peerId === p.toString()) as RelayProcess)
      if (!placed.includes(relays[0])) break
    }
    tab = await createClient({ relays: [relays[0].tcp] })
    const published = await publishSite(
      {
        store,
        host: createSiteHost({ store }),
        sites: new MemorySites(),
        // The tab serves nothing: the placed relays cannot pull from it.
        hostEntry: () => ({ id: tab!.peerId.toMultihash().bytes, addrs: [] }),
        // The record goes into the DHT from another peer: the tab stays connected to relay 0 only.
        publish: async (fields) => {
          const record = await createRecord(fields, owner)
          const key = await dhtKey(record.body.name)
          return { record, accepted: await dhtPut(visitor.node, key, record.bytes) }
        },
      },
      {
        site,
        worker: false,
        files: [
          { path: '/index.html', content: utf8('<h1>placed</h1>') },
          { path: '/big.bin', content: pattern(2 * MIB, 11) },
        ],
      },
    )
    // The tab's DHT finds the other relays too: it keeps only its connection to relay 0.
    for (const c of tab.getConnections())
      if (c.remotePeer.toString() !== relays[0].peerId) await c.close()
    // As the app does: the push and the publisher's wait for its mirrors run side by side.
    const [uploads, copies] = await Promise.all([
      pushToRelays(tab, published.record, (cid) => store.getBlock(cid)),
      waitForMirrors(tab, site, published.root, { replicas: REPLICAS, timeout: 120_000 }),
    ])
    assert.deepEqual(
      uploads.map((u) => u.peer),
      [relays[0].peerId],
      'the tab pushes to its one connected relay',
    )
    assert.equal(
      uploads[0].result?.state,
      'stored',
      `the connected relay takes the site: ${uploads[0].result?.reason} ${uploads[0].result?.message} ${String(uploads[0].error)}`,
    )
    // At least R: a relay whose view of the live relays briefly lacks one (a status question
    // timing out on a loaded machine) also counts itself placed, and drops its copy at a later scan.
    assert.ok(
      copies.complete.length >= REPLICAS,
      `the publisher counts ${REPLICAS} mirrors: ${JSON.stringify(copies)}`,
    )
    for (const relay of placed)
      assert.ok(
        copies.complete.includes(relay.peerId),
        `a copy is on placed relay ${relay.peerId}: ${JSON.stringify(copies)}`,
      )
    assert.ok(
      !copies.complete.includes(relays[0].peerId),
      'the connected relay, not placed, keeps no copy',
    )
    for (const relay of placed) await waitMirrored(visitor, relay, site, published.root)
    // A fresh visitor reads the file from the placed mirrors alone.
    const bytes = await visitor.file(
      site,
      published.root,
      '/big.bin',
      placed.map((r) => peerIdFromString(r.peerId)),
    )
    assert.equal(bytes.length, 2 * MIB)
    // The relay that handed the site on says so, and keeps no copy of it.
    const staged = await visitor.status(relays[0], site)
    assert.equal(staged.state, 'refused')
    assert.equal(staged.reason, 'not-placed')
    assert.match(staged.message ?? '', /handed the site on/)
    const files = await blockFiles(relays[0].dataDir)
    assert.deepEqual(files, [], 'no block of the staging copy is left on disk')
  })
})
