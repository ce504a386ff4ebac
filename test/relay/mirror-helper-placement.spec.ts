/**
 * Placement counts relays only: a browser that helps host what it visits answers
 * `/an/mirror/1.0.0` too (as a `visitor`), but takes no uploads and is no relay. Two real
 * relays with R = 1 and such a helper connected to both: for a site whose key is closest to
 * the helper, the closer of the two relays still mirrors it.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { dhtKey } from '../../src/core/records/index.ts'
import { answerStatus, MIRROR_PROTOCOL } from '../../src/net/mirror/index.ts'
import { closestPeers } from '../../relay-node/src/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { utf8 } from '../../src/core/bytes.ts'
import { createClient, type Client } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

const FLAGS = ['--mirror-replicas', '1', '--mirror-scan-interval', '2s']

describe('placement leaves out browsers that help host', () => {
  let dir: string
  const relays: RelayProcess[] = []
  let helper: Client
  let publisher: SitePublisher
  let visitor: Visitor

  before(async () => {
    dir = await tempDir()
    relays.push(await startRelay(`${dir}/r0`, FLAGS))
    relays.push(await startRelay(`${dir}/r1`, [...FLAGS, '--bootstrap', relays[0].tcp]))
    // A helper as the app's help-host makes one: it answers for the sites it holds, as a visitor.
    helper = await createClient({ relays: relays.map((r) => r.tcp) })
    await helper.handle(MIRROR_PROTOCOL, (stream) => {
      void answerStatus(stream, (q) => ({ site: q.site, state: 'absent', kind: 'visitor' }))
    })
    // Connected again, so the relays identify it with the protocol; then two of their scans
    // (2 s each) pass, so their view of the live relays has looked at it.
    for (const c of helper.getConnections()) await c.close()
    for (const r of relays) await helper.dial(multiaddr(r.tcp))
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    publisher = await startPublisher(relays.map((r) => r.tcp))
    visitor = await startVisitor(relays.map((r) => r.tcp))
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await helper?.stop()
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  })

  it('mirrors a site on the closest relay even when a helping browser is closer', async () => {
    let site = ''
    let expected: RelayProcess | undefined
    for (;;) {
      site = uniqueName('helped')
      const order = closestPeers(await dhtKey(site), [
        helper.peerId,
        ...relays.map((r) => peerIdFromString(r.peerId)),
      ])
      if (!order[0].equals(helper.peerId)) continue
      expected = relays.find((r) => r.peerId === order[1].toString())
      break
    }
    const { root } = await publisher.publish(site, { '/index.html': utf8('<h1>helped</h1>') })
    await waitMirrored(visitor, expected!, site, root, 60_000)
    assert.equal((await visitor.status(expected!, site)).state, 'complete')
  })
})
