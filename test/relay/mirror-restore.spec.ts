/**
 * Restoring R copies after a mirror is killed with SIGKILL, driven by the closed connection
 * alone: the relays scan placement only every 10 minutes, so the copy can come back within the
 * wait only because the survivors learn from the closed connection that the mirror is gone,
 * leave it out of their view of the live relays and look at placement again at once. The site
 * is one whose two placed relays include relay 0 (which every relay is connected to, as their
 * bootstrap), so that the third relay holds no copy before relay 0 is killed and must take one
 * after. After the killed relay restarts, it still holds the site.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { dhtKey } from '../../src/core/records/index.ts'
import { closestPeers } from '../../relay-node/src/mirror/index.ts'
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

const KIB = 1024
/** Longer than every wait below: no periodic scan restores the copy. */
const REPLICAS = 2
const FLAGS = ['--mirror-scan-interval', '10m', '--mirror-replicas', String(REPLICAS)]

interface Health {
  peers: number
  mirror: { liveRelays: number; identifiedRelays: number }
}

describe('mirror restore after kill -9', () => {
  let dir: string
  const relays: RelayProcess[] = []
  let publisher: SitePublisher | undefined
  let visitor: Visitor | undefined

  before(async () => {
    dir = await tempDir()
    relays.push(await startRelay(`${dir}/a`, FLAGS))
    relays.push(await startRelay(`${dir}/b`, [...FLAGS, '--bootstrap', relays[0].tcp]))
    relays.push(await startRelay(`${dir}/c`, [...FLAGS, '--bootstrap', relays[0].tcp]))
    await waitFor(
      'relays see each other',
      async () => {
        const health = await Promise.all(relays.map((r) => getJson<Health>(r, '/health')))
        // Connected to, and identified as mirrors by, each other: a relay counts every other
        // in its next view of the live relays, so no copy is placed by a short view.
        return health.every((h) => h.peers >= 2 && h.mirror.identifiedRelays >= 2)
      },
      60_000,
    )
    visitor = await startVisitor(relays.map((r) => r.tcp))
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('restores the second copy from the closed connection, without waiting for a scan', async () => {
    // A site placed on relay 0 and one other: relay 0 is the one killed, the third restores.
    const ids = relays.map((r) => peerIdFromString(r.peerId))
    let site = ''
    let placed: RelayProcess[] = []
    do {
      site = uniqueName('restore')
      const order = closestPeers(await dhtKey(site), ids).slice(0, REPLICAS)
      placed = relays.filter((r) => order.some((p) => p.toString() === r.peerId))
    } while (!placed.includes(relays[0]))
    const victim = relays[0]
    const restorer = relays.find((r) => !placed.includes(r))!
    const keeper = placed.find((r) => r !== victim)!

    publisher = await startPublisher([victim.tcp])
    await publisher.publish(site, {
      '/index.html': pattern(40 * KIB),
      '/big.bin': pattern(3 * 1024 * KIB, 5),
    })
    const states = async (of: RelayProcess[]): Promise<string[]> =>
      Promise.all(of.map(async (r) => (await visitor!.status(r, site)).state))
    let last: string[] = []
    await waitFor(
      'the two placed mirrors',
      async () => {
        last = await states(placed)
        return last.every((s) => s === 'complete')
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; states ${last.join(', ')}`)
    })
    await publisher.stop()
    publisher = undefined
    assert.notEqual(
      (await visitor!.status(restorer, site)).state,
      'complete',
      'the relay outside the placement holds no copy before the kill',
    )

    await victim.kill9()
    const started = Date.now()
    await waitFor(
      'the third relay to take the second copy',
      async () => {
        last = await states([keeper, restorer])
        return last.every((s) => s === 'complete')
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; states ${last.join(', ')}`)
    })
    console.log(`# second copy restored ${Date.now() - started} ms after a mirror was killed`)
    // The restorer's view of the live relays: itself and the keeper.
    const health = await getJson<Health>(restorer, '/health')
    assert.equal(health.mirror.liveRelays, 2, "the killed relay is out of the restorer's view")

    // Back again: it kept the site through the kill.
    const back = await startRelay(victim.dataDir, [...FLAGS, '--bootstrap', keeper.tcp])
    relays[0] = back
    assert.equal((await visitor!.status(back, site)).state, 'complete')
  })
})
