/**
 * Takedown on every mirror, and the `registered` policy, against real relay processes: three
 * relays trusting one revoker mirror a site; a revocation of its name sent to one relay is
 * passed on, and every mirror purges the site (status, blocks on disk, the purge counted) and
 * does not fetch it again when the record is put once more. A relay under
 * `--mirror-policy registered` refuses a site no trusted registrar vouches for, in words.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { toHex, utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRevocation, dhtKey } from '../../src/core/records/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { dhtPut } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  waitForScan,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

/** Fast placement rounds, and every relay placed (each of the three must hold the site). */
const SCAN = ['--mirror-scan-interval', '2s', '--mirror-replicas', '64']

/** Block files on a relay's disk (temporary files left out). */
async function blockFiles(relay: RelayProcess): Promise<string[]> {
  const files = await readdir(join(relay.dataDir, 'mirror', 'blocks'), { recursive: true })
  return files.filter((f) => !f.endsWith('.tmp') && f.includes('/'))
}

describe('takedown on every mirror, and the registered policy', () => {
  let dir: string
  const relays: RelayProcess[] = []
  const publishers: SitePublisher[] = []
  let visitor: Visitor
  const revoker = generateKeyPair()

  before(async () => {
    dir = await tempDir()
    for (const name of ['r1', 'r2', 'r3']) {
      await mkdir(join(dir, name), { recursive: true })
      await writeFile(join(dir, name, 'trusted-revokers'), `${toHex(revoker.publicKey)}\n`)
    }
    relays.push(await startRelay(join(dir, 'r1'), SCAN))
    for (const name of ['r2', 'r3'])
      relays.push(await startRelay(join(dir, name), [...SCAN, '--bootstrap', relays[0].tcp]))
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

  it('purges a revoked site from every mirror and does not fetch it again', async () => {
    const owner = generateKeyPair()
    const publisher = await startPublisher([relays[1].tcp], owner)
    publishers.push(publisher)
    const site = uniqueName('takedown')
    const published = await publisher.publish(site, {
      '/index.html': utf8('<h1>to be taken down</h1>'),
    })
    for (const r of relays) await waitMirrored(visitor, r, site, published.root)

    const revocation = await createRevocation({ name: site }, revoker)
    const res = await fetch(`${relays[0].http}/revoke`, {
      method: 'POST',
      body: revocation.bytes as Uint8Array<ArrayBuffer>,
    })
    assert.equal(res.status, 200)
    for (const r of relays) {
      await waitFor(`${r.peerId} to purge the site`, async () => {
        const status = await visitor.status(r, site)
        return status.state !== 'complete' && (await blockFiles(r)).length === 0
      })
      const metrics = await (await fetch(`${r.http}/metrics`)).text()
      const purged = metricValue(metrics, 'alternet_relay_mirror_purged_total')
      assert.equal(purged, 1, `${r.peerId} counted ${purged} purges`)
    }
    // The owner's record put again: no relay fetches the site again.
    await dhtPut(publisher.node, await dhtKey(site), published.record.bytes).catch(() => 0)
    await waitForScan(relays)
    for (const r of relays) {
      assert.notEqual((await visitor.status(r, site)).state, 'complete', r.peerId)
      const health = await getJson(r, '/health')
      assert.equal((health.mirror as { fetching: number }).fetching, 0, `${r.peerId} is fetching`)
      assert.equal((await blockFiles(r)).length, 0, `${r.peerId} fetched the revoked site again`)
    }
  })

  it('refuses, in words, a site no trusted registrar vouches for under --mirror-policy registered', async () => {
    const registered = await startRelay(join(dir, 'registered'), [
      '--mirror-scan-interval',
      '2s',
      '--mirror-policy',
      'registered',
    ])
    relays.push(registered)
    const publisher = await startPublisher([registered.tcp])
    publishers.push(publisher)
    const site = uniqueName('unregistered')
    await publisher.publish(site, { '/index.html': utf8('<h1>no registrar</h1>') })
    const status = await waitFor(
      'a refusal',
      async () => {
        const s = await visitor.status(registered, site)
        return s.state === 'refused' ? s : undefined
      },
      60_000,
      200,
    )
    assert.equal(status.reason, 'unregistered')
    assert.match(status.message ?? '', /only names a trusted registrar vouches for/)
    const metrics = await (await fetch(`${registered.http}/metrics`)).text()
    assert.equal(
      metricValue(metrics, 'alternet_relay_mirror_refused_total{reason="unregistered"}'),
      1,
    )
  })
})
