/**
 * A mirror follows its sites' live topics, with two relay processes: relay M mirrors (its DHT
 * scan set to an hour, so only its start-up scan runs), relay R does not. Once M holds a site it
 * is subscribed to the site's topic; a new version put into R alone reaches M by gossip and M
 * fetches it at once; when the site is revoked and purged, M leaves the topic.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { utf8, toHex } from '../../src/core/bytes.ts'
import { createRevocation, liveTopic } from '../../src/core/records/index.ts'
import { dhtPut, putDirect } from './support/client.ts'
import { generateKeyPair, uniqueName } from './support/records.ts'
import { getJson, removeDir, startRelay, tempDir, waitFor } from './support/relay-process.ts'
import type { RelayProcess } from './support/relay-process.ts'
import { startLivePeer, type LivePeer } from './support/live-peer.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

/** Longer than the spec: the mirror's periodic DHT scan never runs during it. */
const SCAN_INTERVAL = '1h'

describe('a mirror follows the live topics of the sites it holds', () => {
  let dir: string
  let r: RelayProcess
  let m: RelayProcess
  let publisher: SitePublisher
  let visitor: Visitor
  /** A peer connected to M that subscribes to nothing: it sees M's subscriptions. */
  let observer: LivePeer
  const revoker = generateKeyPair()
  const site = uniqueName('livemirror')
  let topic: string
  /** Where the publisher's next record goes: one relay's peer ID, or the DHT when unset. */
  let onlyTo: string | undefined

  const mFollows = (): boolean =>
    observer.gossip.getSubscribers(topic).some((p) => p.toString() === m.peerId)

  before(async () => {
    dir = await tempDir('an-live-mirror-')
    for (const name of ['r', 'm']) {
      await mkdir(`${dir}/${name}`, { recursive: true })
      await writeFile(`${dir}/${name}/trusted-revokers`, `${toHex(revoker.publicKey)}\n`)
    }
    r = await startRelay(`${dir}/r`, ['--mirror-policy', 'none'])
    m = await startRelay(`${dir}/m`, [
      '--mirror-scan-interval',
      SCAN_INTERVAL,
      '--mirror-replicas',
      '3',
      '--bootstrap',
      r.tcp,
    ])
    await waitFor('the relays to see each other', async () => {
      const health = await Promise.all([r, m].map((x) => getJson(x, '/health')))
      return health.every((h) => (h.peers as number) >= 1)
    })
    topic = await liveTopic(site)
    publisher = await startPublisher([r.tcp, m.tcp], undefined, async (key, bytes) =>
      onlyTo === undefined
        ? dhtPut(publisher.node, key, bytes)
        : (await putDirect(publisher.node, onlyTo, key, bytes))
          ? 1
          : 0,
    )
    visitor = await startVisitor([m.tcp])
    observer = await startLivePeer(`${dir}/observer`, { dial: [m.tcp] })
  })

  after(async () => {
    await observer?.stop()
    await visitor?.stop()
    await publisher?.stop()
    await Promise.all([r, m].map((x) => x?.stop()))
    await removeDir(dir)
  })

  it('subscribes once it holds a site, and fetches a version gossiped from another relay', async () => {
    const v1 = await publisher.publish(site, { '/index.html': utf8('<h1>one</h1>') })
    await waitMirrored(visitor, m, site, v1.root)
    await eventually('M to follow the mirrored site’s topic', mFollows)

    onlyTo = r.peerId
    const v2 = await publisher.publish(site, { '/index.html': utf8('<h1>two</h1>') })
    assert.equal(v2.accepted, 1, 'relay R took version 2')
    // Nothing but the live message tells M: its scan is an hour away and nobody asks it.
    await waitMirrored(visitor, m, site, v2.root, 60_000)
    const status = await visitor.status(m, site)
    assert.equal(CID.parse(status.root!).toString(), v2.root.toString())
  })

  it('leaves the topic when the site is purged', async () => {
    assert.ok(mFollows(), 'M follows the topic before the purge')
    const revocation = await createRevocation({ name: site }, revoker)
    const res = await fetch(`${m.http}/revoke`, {
      method: 'POST',
      body: revocation.bytes as Uint8Array<ArrayBuffer>,
    })
    assert.equal(res.status, 200)
    await eventually('M to drop the site', async () => {
      const status = await visitor.status(m, site)
      return status.state !== 'complete'
    })
    await eventually('M to leave the topic', () => !mFollows())
  })
})
