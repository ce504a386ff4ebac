/**
 * What operators decide, and placement: `--mirror-policy none` refuses every site; the owner
 * quota and a store too small refuse with a reason in words; a full store evicts the least
 * recently requested site for a new one; with `--mirror-replicas 2` of three relays, two
 * mirror a site, and when one of them is killed the third restores the second copy from the
 * surviving mirror with the publisher gone.
 */
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { pattern } from '../net/hosting-support.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  metricValue,
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
import type { MirrorStatus } from '../../relay-node/src/mirror/index.ts'

const KIB = 1024
const SCAN = ['--mirror-scan-interval', '2s']
/**
 * Every live relay placed: relays of other runs on this machine can be among the live relays a
 * relay finds, and a site it is then not placed for would be evicted first, whatever its age.
 */
const EVERY = ['--mirror-replicas', '64']

/** Waits until `relay` has decided about `site` (complete or refused) and returns its answer. */
async function decided(visitor: Visitor, relay: RelayProcess, site: string): Promise<MirrorStatus> {
  return waitFor(
    `a decision on ${site}`,
    async () => {
      const s = await visitor.status(relay, site)
      return s.state === 'complete' || s.state === 'refused' ? s : undefined
    },
    60_000,
    200,
  )
}

describe('mirror policy, quotas and eviction', () => {
  let dir: string
  let none: RelayProcess
  let small: RelayProcess
  const publishers: SitePublisher[] = []
  let visitor: Visitor

  const publish = async (relay: RelayProcess, bytes: number): Promise<string> => {
    const p = await startPublisher([relay.tcp], generateKeyPair())
    publishers.push(p)
    const site = uniqueName('quota')
    await p.publish(site, { '/file.bin': pattern(bytes, publishers.length) })
    return site
  }

  before(async () => {
    dir = await tempDir()
    none = await startRelay(`${dir}/none`, [...SCAN, '--mirror-policy', 'none'])
    small = await startRelay(`${dir}/small`, [
      ...SCAN,
      ...EVERY,
      '--mirror-owner-quota',
      '1MiB',
      '--mirror-max-bytes',
      '3MiB',
    ])
    visitor = await startVisitor([none.tcp, small.tcp])
  })

  after(async () => {
    await visitor?.stop()
    await Promise.all(publishers.map((p) => p.stop()))
    await Promise.all([none, small].map((r) => r?.stop()))
    await removeDir(dir)
  })

  it('refuses every site under --mirror-policy none, saying so', async () => {
    const site = await publish(none, 10 * KIB)
    const status = await decided(visitor, none, site)
    assert.equal(status.state, 'refused')
    assert.equal(status.reason, 'policy')
    assert.match(status.message ?? '', /does not mirror sites/)
    const metrics = await (await fetch(`${none.http}/metrics`)).text()
    assert.equal(metricValue(metrics, 'alternet_relay_mirror_refused_total{reason="policy"}'), 1)
  })

  it('refuses a site over the owner quota, and one larger than the whole store', async () => {
    const over = await decided(visitor, small, await publish(small, 1200 * KIB))
    assert.equal(over.reason, 'owner-quota')
    assert.match(over.message ?? '', /per owner/)
    // Another relay setting: the owner quota is raised for this one by using a fresh relay.
    const huge = await startRelay(`${dir}/tiny`, [...SCAN, '--mirror-max-bytes', '512KiB'])
    try {
      const site = await publish(huge, 600 * KIB)
      const full = await decided(visitor, huge, site)
      assert.equal(full.reason, 'store-full')
      assert.match(full.message ?? '', /mirror store is full/)
    } finally {
      await huge.stop()
    }
  })

  it('evicts the least recently requested site when the store is full', async () => {
    const sites: string[] = []
    for (let i = 0; i < 3; i++) {
      const site = await publish(small, 900 * KIB)
      assert.equal((await decided(visitor, small, site)).state, 'complete')
      sites.push(site)
    }
    const fourth = await publish(small, 900 * KIB)
    assert.equal((await decided(visitor, small, fourth)).state, 'complete')
    const evicted = await visitor.status(small, sites[0])
    assert.equal(evicted.state, 'refused', 'the least recently requested site stayed')
    assert.equal(evicted.reason, 'evicted')
    assert.equal((await visitor.status(small, sites[1])).state, 'complete')
    const health = await getJson<{ mirror: { bytes: number } }>(small, '/health')
    assert.ok(health.mirror.bytes <= 3 * 1024 * KIB)
  })
})

describe('mirror placement and repair', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const publishers: SitePublisher[] = []
  let visitor: Visitor

  before(async () => {
    dir = await tempDir()
    const flags = [...SCAN, '--mirror-replicas', '2']
    relays.push(await startRelay(`${dir}/a`, flags))
    relays.push(await startRelay(`${dir}/b`, [...flags, '--bootstrap', relays[0].tcp]))
    relays.push(await startRelay(`${dir}/c`, [...flags, '--bootstrap', relays[0].tcp]))
    await waitFor('relays see each other', async () => {
      const health = await Promise.all(relays.map((r) => getJson(r, '/health')))
      return health.every((h) => (h.peers as number) >= 2)
    })
    visitor = await startVisitor(relays.map((r) => r.tcp))
  })

  after(async () => {
    await visitor?.stop()
    await Promise.all(publishers.map((p) => p.stop()))
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('mirrors a site on at least R of the relays, and restores R copies when a mirror is killed', async () => {
    const publisher = await startPublisher([relays[0].tcp])
    publishers.push(publisher)
    const site = uniqueName('placed')
    await publisher.publish(site, { '/index.html': pattern(300 * KIB) })
    const states = async (): Promise<string[]> =>
      Promise.all(relays.map(async (r) => (await visitor.status(r, site)).state))
    let last: string[] = []
    await waitFor(
      'two mirrors',
      async () => {
        last = await states()
        return last.filter((s) => s === 'complete').length >= 2
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; states ${last.join(', ')}`)
    })
    await publisher.stop()
    // Kill a holder; the two left must both hold the site (the spare fetching it from the
    // surviving mirror when it had no copy), with the publisher gone.
    const before = await states()
    const victim = relays[before.indexOf('complete')]
    const survivors = relays.filter((r) => r !== victim)
    await victim.kill9()
    const started = Date.now()
    await waitFor(
      'two copies again',
      async () => {
        last = await Promise.all(survivors.map(async (r) => (await visitor.status(r, site)).state))
        return last.every((s) => s === 'complete')
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; states ${last.join(', ')}`)
    })
    console.log(`# second copy restored ${Date.now() - started} ms after a mirror was killed`)
  })
})
