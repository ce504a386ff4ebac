/**
 * A mirror killed with SIGKILL in the middle of a pull (its blocks written unflushed, flushed
 * together only before the site is recorded complete): restarted with no source left, it does
 * not count or serve the partly stored site; the other mirror, killed once complete, keeps its
 * copy through the kill; once both run again the first completes the site from the second and
 * serves it byte-identical.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { pattern } from '../net/hosting-support.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

const MIB = 1024 * 1024
const FLAGS = ['--mirror-scan-interval', '2s', '--mirror-replicas', '2']
/** Large enough that a pull is seen under way (about 100 blocks). */
const BIG = pattern(24 * MIB, 9)
/**
 * Between two rounds of status questions while a pull is awaited: within a relay's question
 * budget per peer for over half a minute (a peer over it is refused, then cut off).
 */
const POLL_MS = 100

interface Health {
  peers: number
  mirror: { sites: number }
}

const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

describe('mirror killed in the middle of a pull', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const visitors: Visitor[] = []
  const publishers: SitePublisher[] = []

  before(async () => {
    dir = await tempDir()
    relays.push(await startRelay(`${dir}/a`, FLAGS))
    relays.push(await startRelay(`${dir}/b`, [...FLAGS, '--bootstrap', relays[0].tcp]))
    await waitFor(
      'relays see each other',
      async () => {
        const health = await Promise.all(relays.map((r) => getJson<Health>(r, '/health')))
        return health.every((h) => h.peers >= 1)
      },
      60_000,
    )
  })

  after(async () => {
    await Promise.all(visitors.map((v) => v.stop()))
    await Promise.all(publishers.map((p) => p.stop()))
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('never counts or serves a partly pulled site after a kill -9, and completes it later', async () => {
    const watcher = await startVisitor(relays.map((r) => r.tcp))
    visitors.push(watcher)
    // Connected to both: the record reaches both from the publisher.
    const publisher = await startPublisher(relays.map((r) => r.tcp))
    publishers.push(publisher)
    const site = uniqueName('midpull')
    const publishing = publisher.publish(site, { '/index.html': pattern(1000), '/big.bin': BIG })
    // The first relay seen with a pull under way (some blocks done, not all) is killed then.
    const seen = await waitFor<{ relay?: RelayProcess }>(
      'a pull under way',
      async () => {
        for (const r of relays) {
          const s = await watcher.status(r, site)
          if (s.state === 'fetching' && (s.blocksDone ?? 0) > 1 && s.blocksDone! < s.blocksTotal!)
            return { relay: r }
          // Too late: the site was whole before a pull was seen under way.
          if (s.state === 'complete') return {}
        }
        return undefined
      },
      60_000,
      POLL_MS,
    )
    assert.ok(seen.relay !== undefined, `${site} was complete before a pull was seen under way`)
    const caught = seen.relay
    await caught.kill9()
    const { root } = await publishing
    const other = relays.find((r) => r !== caught)!
    // Asked by another peer: the watcher spent much of its question budget.
    const second = await startVisitor([other.tcp])
    visitors.push(second)
    let last: unknown
    await waitFor(
      'the other mirror complete',
      async () => {
        last = await second.status(other, site)
        return (last as { state: string }).state === 'complete'
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      const log = other
        .stderr()
        .split('\n')
        .filter((l) => l.includes(site) || /pull|source/.test(l))
      throw new Error(`${String(err)}: ${JSON.stringify(last)}\n${log.slice(-10).join('\n')}`)
    })
    await publisher.stop()
    await other.kill9()

    // Alone, with no source: the partly pulled site is neither counted nor served.
    const back = await startRelay(caught.dataDir, FLAGS)
    relays[relays.indexOf(caught)] = back
    const visitor = await startVisitor([back.tcp])
    visitors.push(visitor)
    const state = (await visitor.status(back, site)).state
    assert.notEqual(state, 'complete', 'the partly pulled site counts as complete')
    assert.equal((await getJson<Health>(back, '/health')).mirror.sites, 0)
    // Not one block of it is given out (the manifest, asked first, is refused).
    await assert.rejects(visitor.file(site, root, '/big.bin', [peerIdFromString(back.peerId)]))

    // The other kept its complete copy through the kill; from it, the first completes the site.
    const otherBack = await startRelay(other.dataDir, [...FLAGS, '--bootstrap', back.tcp])
    relays[relays.indexOf(other)] = otherBack
    assert.equal((await visitor.status(otherBack, site)).state, 'complete')
    await waitFor(
      'the killed pull completed',
      async () => (await visitor.status(back, site)).state === 'complete',
      90_000,
      250,
    )
    const got = await visitor.file(site, root, '/big.bin', [peerIdFromString(back.peerId)])
    assert.ok(same(got, BIG), 'the completed site is byte-identical')
  })
})
