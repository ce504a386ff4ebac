/**
 * A relay that held a site and is no longer placed for it drops its copy once the relay placed
 * now serves the new version when asked for blocks of it. Relay A holds a site alone (one
 * place); relay B, closer to the site's key, joins; the owner uploads a new version to B. A asks
 * B for the version's manifest and blocks chosen at random, B serves them, and A releases the
 * site. A scans placement only every 10 minutes, so it hears of the new version only from B
 * once B holds it (B puts the record to the relays closest to the key when its copy is whole).
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { dhtKey, type SignedRecord } from '../../src/core/records/index.ts'
import { uploadSite } from '../../src/net/mirror/index.ts'
import { closestPeers } from '../../relay-node/src/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { MemoryStore, pattern } from '../net/hosting-support.ts'
import { createClient, putDirect, type Client } from './support/client.ts'
import { prepareSite } from './support/prepared-site.ts'
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
import { startVisitor, waitMirrored, type Visitor } from './support/site-publisher.ts'

const KIB = 1024
const FLAGS = ['--mirror-scan-interval', '10m', '--mirror-replicas', '1']

interface Health {
  mirror: { identifiedRelays: number }
}

describe('a relay no longer placed for a site', () => {
  let dir: string
  let a: RelayProcess
  let b: RelayProcess | undefined
  let tab: Client | undefined
  let visitor: Visitor | undefined
  const owner = generateKeyPair()
  const store = new MemoryStore()

  before(async () => {
    dir = await tempDir()
    a = await startRelay(`${dir}/a`, FLAGS)
  })

  after(async () => {
    await visitor?.stop()
    await tab?.stop()
    await b?.stop()
    await a?.stop()
    await removeDir(dir)
  })

  const identified = async (relay: RelayProcess, n: number): Promise<void> => {
    await waitFor(
      `relay to identify ${n} relays`,
      async () => (await getJson<Health>(relay, '/health')).mirror.identifiedRelays === n,
      60_000,
    )
  }

  const upload = async (relay: RelayProcess, record: SignedRecord): Promise<void> => {
    const result = await uploadSite(tab!, peerIdFromString(relay.peerId), {
      record,
      signal: AbortSignal.timeout(60_000),
      getBlock: (cid) => store.getBlock(cid),
    })
    assert.equal(result.state, 'stored', `upload: ${result.state} ${result.reason ?? ''}`)
  }

  it('releases it once the placed relay serves blocks of the new version', async () => {
    // B's peer ID, then B away while A alone takes the site.
    b = await startRelay(`${dir}/b`, [...FLAGS, '--bootstrap', a.tcp])
    const ids = [a, b].map((r) => peerIdFromString(r.peerId))
    await b.stop()
    await identified(a, 0)
    let site = ''
    do site = uniqueName('challenge')
    while (closestPeers(await dhtKey(site), ids)[0].toString() !== b.peerId)
    const key = await dhtKey(site)

    tab = await createClient({ relays: [a.tcp] })
    visitor = await startVisitor([a.tcp])
    const v1 = await prepareSite(
      { store, owner, tab },
      site,
      { '/index.html': pattern(20 * KIB) },
      1,
    )
    await upload(a, v1.record)
    await putDirect(tab, a.peerId, key, v1.record.bytes)
    await waitMirrored(visitor, a, site, v1.root)

    // B back, closer to the key: placed for the site's next version, A not.
    b = await startRelay(b.dataDir, [...FLAGS, '--bootstrap', a.tcp])
    await identified(a, 1)
    await identified(b, 1)
    const files = { '/index.html': pattern(24 * KIB, 1), '/b.bin': pattern(900 * KIB, 2) }
    const v2 = await prepareSite({ store, owner, tab }, site, files, 2)
    await tab.dial(multiaddr(b.tcp), { signal: AbortSignal.timeout(10_000) })
    await upload(b, v2.record)
    await waitMirrored(visitor, b, site, v2.root)
    // Once B holds it, A hears of it (B puts the record too; this put only makes sure).
    await putDirect(tab, a.peerId, key, v2.record.bytes).catch(() => undefined)

    let last = ''
    await waitFor(
      'A to release the site',
      async () => {
        last = (await visitor!.status(a, site)).state
        return last === 'absent'
      },
      60_000,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; A answers ${last}`)
    })
    const metrics = await (await fetch(`${a.http}/metrics`)).text()
    assert.ok(
      metricValue(metrics, 'alternet_relay_mirror_placement_challenges_total{result="served"}') >=
        1,
      'A asked B for blocks of the version before releasing',
    )
    assert.equal(
      metricValue(metrics, 'alternet_relay_mirror_placement_challenges_total{result="failed"}'),
      0,
    )
    assert.equal((await visitor.status(b, site)).state, 'complete')
  })
})
