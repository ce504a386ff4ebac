/**
 * Restoring R copies after a mirror is killed with SIGKILL, driven by the closed connection
 * alone: the relays scan placement only every 10 minutes, so the copy can come back within the
 * wait only because the survivors learn from the closed connection that the mirror is gone,
 * leave it out of their view of the live relays and look at placement again at once. After the
 * killed relay restarts, it still holds the site.
 */
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
const FLAGS = ['--mirror-scan-interval', '10m', '--mirror-replicas', '2']

interface Health {
  peers: number
  mirror: { liveRelays: number }
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
        return health.every((h) => h.peers >= 2)
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
    publisher = await startPublisher([relays[0].tcp])
    const site = uniqueName('restore')
    await publisher.publish(site, {
      '/index.html': pattern(40 * KIB),
      '/big.bin': pattern(3 * 1024 * KIB, 5),
    })
    const states = async (of: RelayProcess[]): Promise<string[]> =>
      Promise.all(of.map(async (r) => (await visitor!.status(r, site)).state))
    let last: string[] = []
    await waitFor(
      'two mirrors',
      async () => {
        last = await states(relays)
        return last.filter((s) => s === 'complete').length >= 2
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; states ${last.join(', ')}`)
    })
    await publisher.stop()
    publisher = undefined

    const victim = relays[last.indexOf('complete')]
    const survivors = relays.filter((r) => r !== victim)
    // The relay that held no copy: it takes the second copy once its view leaves the victim out.
    // (A relay whose view briefly lacked one took a copy too: then there is no restorer.)
    const restorer = relays.find((_, i) => last[i] !== 'complete')
    await victim.kill9()
    const started = Date.now()
    await waitFor(
      'two copies again',
      async () => {
        last = await states(survivors)
        return last.every((s) => s === 'complete')
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; states ${last.join(', ')}`)
    })
    console.log(`# second copy restored ${Date.now() - started} ms after a mirror was killed`)
    // The restorer's view of the live relays: itself and the other survivor. (The other
    // survivor may have had no connection of its own to the victim, so its view can still count
    // the victim until it next asks the live relays.)
    if (restorer !== undefined) {
      const health = await getJson<Health>(restorer, '/health')
      assert.equal(health.mirror.liveRelays, 2, "the killed relay is out of the restorer's view")
    } else console.log('# every relay held a copy before the kill: no restorer to look at')

    // Back again: it kept the site through the kill.
    const back = await startRelay(victim.dataDir, [...FLAGS, '--bootstrap', survivors[0].tcp])
    relays[relays.indexOf(victim)] = back
    assert.equal((await visitor!.status(back, site)).state, 'complete')
  })
})
