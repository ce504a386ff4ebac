/**
 * A placed relay that takes a tab's upload hands it on to the other placed relays at once:
 * three real relays, R = 3, a scan interval of an hour. The tab hosts the site, but its host
 * answers the manifest and then never a chunk, so every relay's own pull of the site hangs on
 * it (until `MIRROR_BLOCK_TIMEOUT_MS`). The tab then pushes the site to one relay; that relay
 * stops its hanging pull (the upload brought every block) and pushes the site on to the other
 * two, whose pulls stop the same way. All three hold the site well before any hanging request
 * could have timed out, and none waited for a scan. A tab connected to every relay sends the
 * site's bytes once, to the relay closest to its key, and every placed relay holds it.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey } from '../../src/core/records/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type PublishProgress,
} from '../../src/net/hosting/index.ts'
import { startPeer } from '../../src/net/peer.ts'
import { uploadSite } from '../../src/net/mirror/index.ts'
import { MIRROR_BLOCK_TIMEOUT_MS } from '../../relay-node/src/mirror/constants.ts'
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
import { startVisitor, type Visitor } from './support/site-publisher.ts'

const MIB = 1024 * 1024
const FLAGS = ['--mirror-replicas', '3', '--mirror-scan-interval', '1h']
/**
 * The copies must be whole this long after every pull was seen hanging: well before the first
 * hanging chunk request times out, after which a pull would try its other sources.
 */
const HAND_ON_WITHIN_MS = MIRROR_BLOCK_TIMEOUT_MS - 5_000

/** A tab's store whose host answers the manifest, then leaves every chunk request hanging. */
class HangingStore extends MemoryStore {
  root: CID | undefined
  private readonly hanging: Array<() => void> = []

  override async getBlock(cid: CID): Promise<Uint8Array | undefined> {
    if (this.root === undefined || cid.equals(this.root)) return super.getBlock(cid)
    await new Promise<void>((resolve) => this.hanging.push(resolve))
    return undefined
  }

  /** The block as stored, for the tab's own upload. */
  held(cid: CID): Promise<Uint8Array | undefined> {
    return super.getBlock(cid)
  }

  /** Ends every hanging request (with no block). */
  release(): void {
    for (const resolve of this.hanging.splice(0)) resolve()
  }
}

describe('a placed relay hands a tab’s upload on to the other placed relays', () => {
  let dir: string
  const relays: RelayProcess[] = []
  let tab: Client | undefined
  let visitor: Visitor
  const store = new HangingStore()
  const host = createSiteHost({ store })

  before(async () => {
    dir = await tempDir()
    relays.push(await startRelay(`${dir}/r0`, FLAGS))
    for (let i = 1; i < 3; i++)
      relays.push(await startRelay(`${dir}/r${i}`, [...FLAGS, '--bootstrap', relays[0].tcp]))
    await waitFor('relays see each other', async () => {
      const health = await Promise.all(relays.map((r) => getJson(r, '/health')))
      return health.every((h) => (h.peers as number) >= 2)
    })
    visitor = await startVisitor(relays.map((r) => r.tcp))
  })

  after(async () => {
    store.release()
    await host.stop()
    await tab?.stop()
    await visitor?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('every placed relay holds the site without waiting on its own hanging pull or a scan', async () => {
    const site = uniqueName('handon')
    const owner = generateKeyPair()
    tab = await createClient({ relays: [relays[0].tcp], listen: true })
    await host.start(tab)
    const published = await publishSite(
      {
        store,
        host,
        sites: new MemorySites(),
        hostEntry: () => hostEntry(tab!),
        publish: async (fields) => {
          const record = await createRecord(fields, owner)
          store.root = record.body.content
          const key = await dhtKey(record.body.name)
          return { record, accepted: await dhtPut(visitor.node, key, record.bytes) }
        },
      },
      {
        site,
        worker: false,
        files: [
          { path: '/index.html', content: utf8('<h1>hand on</h1>') },
          { path: '/big.bin', content: pattern(2 * MIB, 5) },
        ],
      },
    )
    // Every relay pulls from the tab: it has the manifest and hangs on the chunks.
    await waitFor('every relay pulls from the tab', async () => {
      const states = await Promise.all(relays.map((r) => visitor.status(r, site)))
      return states.every((s) => s.state === 'fetching' && (s.blocksTotal ?? 0) > 0)
    })
    const deadline = Date.now() + HAND_ON_WITHIN_MS

    const uploaded = await uploadSite(tab, peerIdFromString(relays[0].peerId), {
      record: published.record,
      getBlock: (cid) => store.held(cid),
    })
    assert.equal(uploaded.state, 'stored', `relay 0 takes the upload: ${uploaded.message}`)

    const complete = new Set<string>()
    while (complete.size < relays.length && Date.now() < deadline) {
      for (const relay of relays) {
        const status = await visitor.status(relay, site)
        if (status.state === 'complete' && status.root === published.root.toString())
          complete.add(relay.peerId)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    assert.deepEqual(
      relays.filter((r) => !complete.has(r.peerId)).map((r) => r.peerId),
      [],
      `every placed relay holds the site before a hanging chunk request could time out:\n${relays
        .map((r) =>
          r
            .stderr()
            .split('\n')
            .filter((l) => /upload|hand|pull|mirror/.test(l))
            .slice(-6)
            .join('\n'),
        )
        .join('\n')}`,
    )
    // A relay that got the site handed on serves it, verified, on its own.
    const bytes = await visitor.file(site, published.root, '/big.bin', [
      peerIdFromString(relays[2].peerId),
    ])
    assert.deepEqual(bytes, pattern(2 * MIB, 5))
  })

  it('publishing from a tab connected to every relay sends each byte once, and all of them hold the site', async () => {
    const site = uniqueName('once')
    const owner = generateKeyPair()
    const node = await createClient({ relays: relays.map((r) => r.tcp) })
    const progress: PublishProgress[] = []
    // The record names as host a peer that serves nothing: the relays get the bytes by the push alone.
    const peer = await startPeer({
      libp2p: node,
      storage: { blocks: new MemoryStore(), sites: new MemorySites() },
      naming: {
        // Not put: the relays hear of the site by the upload and from one another.
        publish: async (fields) => ({ record: await createRecord(fields, owner), accepted: 0 }),
        resolve: () => Promise.reject(new Error('this publisher resolves nothing')),
      },
      hostEntry: () => ({ id: visitor.node.peerId.toMultihash().bytes, addrs: [] }),
      republish: false,
      mirrorWait: 60_000,
    })
    try {
      const published = await peer.publishSite({
        site,
        worker: false,
        files: [{ path: '/data.bin', content: pattern(MIB, 9) }],
        onProgress: (p) => progress.push(p),
      })
      assert.deepEqual(
        [...(published.mirrors?.complete ?? [])].sort(),
        relays.map((r) => r.peerId).sort(),
        'every placed relay holds the site',
      )
      const sent = Math.max(...progress.map((p) => p.bytesUploaded ?? 0))
      assert.equal(sent, MIB, 'the tab sent every byte of the site once, to one relay')
    } finally {
      await peer.stop()
    }
  })
})
