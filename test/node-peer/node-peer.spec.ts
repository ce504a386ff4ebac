/**
 * The runtime-neutral peer started in Node (`createNodePeer`) against real relay processes that
 * mirror: it publishes a folder's files (hashed, stored, announced, copied to the mirrors),
 * another Node peer resolves and fetches them verified, also once the publisher is gone (from
 * the mirrors); it republishes its record; and `alternet publish --horizon` hands the mirrors
 * records signed ahead.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { createNodePeer, type NodePeer } from '../../src/node/create-node-peer.ts'
import { releaseWebRTC } from '../../src/node/release-webrtc.ts'
import { EXIT } from '../../src/node/cli/exit-codes.ts'
import { alternet } from './cli-support.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const SCAN = ['--dev', '--log-level', 'warn', '--mirror-scan-interval', '2s']
/** How long publishing waits for mirrors here, in ms. */
const MIRROR_WAIT_MS = 60_000

describe('the peer in Node, against mirroring relays', () => {
  const dirs: string[] = []
  const relays: RelayProcess[] = []
  const peers: NodePeer[] = []
  const big = new Uint8Array(randomBytes(700 * 1024))

  const dir = async (prefix: string): Promise<string> => {
    const made = await tempDir(prefix)
    dirs.push(made)
    return made
  }
  const peer = async (mirrorWait = MIRROR_WAIT_MS): Promise<NodePeer> => {
    const started = await createNodePeer({
      dataDir: await dir('an-node-peer-'),
      relays: relays.map((r) => r.http),
      dev: DEV,
      mirrorWait,
    })
    peers.push(started)
    return started
  }
  const stop = async (p: NodePeer): Promise<void> => {
    await p.stop()
    await p.storage.closed()
  }

  before(async () => {
    relays.push(await startRelay(await dir('an-np-relay-'), SCAN))
    relays.push(
      await startRelay(await dir('an-np-relay-'), [...SCAN, '--bootstrap', relays[0].tcp]),
    )
  })

  after(async () => {
    await Promise.all(peers.map(stop))
    await Promise.all(relays.map((r) => r.stop()))
    await Promise.all(dirs.map(removeDir))
    await releaseWebRTC()
  })

  it('publishes; another Node peer fetches the same bytes, also from the mirrors once it is gone', async () => {
    const publisher = await peer()
    const site = `nodepeer${Date.now().toString(36)}:test`
    const result = await publisher.publishSite({
      site,
      files: [
        { path: '/index.html', content: '<h1>node peer</h1>' },
        { path: '/big.bin', content: big },
      ],
    })
    ok(result.accepted >= 1)
    ok((result.mirrors?.complete.length ?? 0) >= 1, JSON.stringify(result.mirrors))
    ok(result.availableUntil !== undefined)

    const visitor = await peer()
    const resolved = await visitor.resolve(site)
    equal(resolved.record.body.content?.toString(), result.root.toString())
    const res = await visitor.fetch(`an://${site}/big.bin`)
    equal(res.status, 200)
    deepEqual(new Uint8Array(await res.arrayBuffer()), big)

    await stop(publisher)
    peers.splice(peers.indexOf(publisher), 1)
    const later = await peer()
    const again = await later.fetch(`an://${site}/big.bin`)
    equal(again.status, 200)
    deepEqual(new Uint8Array(await again.arrayBuffer()), big)
  })

  it('republishes its record with the next version', async () => {
    const publisher = await peer(0)
    const site = `republish${Date.now().toString(36)}:test`
    const { record } = await publisher.publishSite({
      site,
      files: [{ path: '/index.html', content: 'v1' }],
    })
    await publisher.naming.republishNow()
    const visitor = await peer()
    const resolved = await visitor.resolve(site, { fresh: true })
    equal(resolved.record.body.seq, record.body.seq + 1)
    equal(resolved.record.body.content?.toString(), record.body.content?.toString())
  })

  it('alternet publish --horizon hands the mirrors records signed ahead', async () => {
    const folder = await dir('an-np-site-')
    await mkdir(join(folder, 'docs'))
    await writeFile(join(folder, 'index.html'), '<h1>kept alive</h1>')
    const res = await alternet([
      'publish',
      folder,
      '--name',
      `horizon${Date.now().toString(36)}:test`,
      '--horizon',
      '4d',
      '--data-dir',
      await dir('an-np-cli-'),
      '--json',
      ...relays.flatMap((r) => ['--relay', r.http]),
    ])
    equal(res.code, EXIT.ok, res.stderr)
    const doc = res.json<{ presigned: number; aliveUntil: string; mirrors: string[] }>()
    ok(doc.mirrors.length >= 1)
    ok(doc.presigned >= 2, `presigned ${doc.presigned}`)
    ok(Date.parse(doc.aliveUntil) > Date.now() + 3 * 24 * 3600_000, doc.aliveUntil)
  })
})
