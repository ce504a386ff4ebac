/**
 * A site outlives its publisher's device up to the horizon the owner chose: the peer publishes
 * through real relay processes, waits for the mirrors, pre-signs the record's next versions up
 * to the horizon and hands them to the mirrors, stores the highest pre-signed `seq`, then goes
 * away. Lifetimes and spacing are seconds here (peer settings; nothing on the relays is
 * shortened), so the spec runs in about a minute. The owner coming back signs above every
 * pre-signed record (no rollback).
 */
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey } from '../../src/core/records/index.ts'
import { hostEntry } from '../../src/net/hosting/index.ts'
import { startPeer, type AlternetPeer } from '../../src/net/peer.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { MemorySites, MemoryStore } from '../net/hosting-support.ts'
import { createClient, dhtPut, waitForRoutingTable, type Client } from './support/client.ts'
import { resolvedSeq, startMirrorPair } from './support/mirror-pair.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, tempDir, waitFor, type RelayProcess } from './support/relay-process.ts'
import { startVisitor, type Visitor } from './support/site-publisher.ts'

const SECOND = 1000
/** Lifetime of every record in this spec (the protocol's is 48 h). */
const LIFETIME = 20 * SECOND
/** Spacing of the pre-signed records' `created` (a day in the app). */
const STEP = 10 * SECOND
/** The horizon the owner picks: three pre-signed records, the last expiring at `created` + 50 s. */
const HORIZON = 50 * SECOND
const PRESIGNED = 3

describe('a published site kept alive by its mirrors up to the horizon chosen', () => {
  let dir: string
  let r1: RelayProcess
  let r2: RelayProcess
  let visitor: Visitor
  const owner = generateKeyPair()
  const site = uniqueName('kept')
  const store = new MemoryStore()
  const sites = new MemorySites()
  const running: Array<{ peer: AlternetPeer<Client>; node: Client }> = []

  const resolveSeq = (): Promise<number | undefined> => resolvedSeq(visitor, site)

  /** The browser peer's code over a Node libp2p client, its owner key signing short-lived records. */
  const startOwner = async (): Promise<AlternetPeer<Client>> => {
    const node = await createClient({ relays: [r1.tcp, r2.tcp], listen: true })
    await waitForRoutingTable(node, 2)
    const peer = await startPeer({
      libp2p: node,
      storage: { blocks: store, sites },
      naming: {
        publish: async (fields) => {
          const created = Date.now()
          const record = await createRecord(
            { ...fields, created, expires: created + LIFETIME },
            owner,
          )
          return { record, accepted: await dhtPut(node, await dhtKey(site), record.bytes) }
        },
        resolve: () => Promise.reject(new Error('this owner resolves nothing')),
        sign: (fields) => createRecord(fields, owner),
      },
      hostEntry: (libp2p) => hostEntry(libp2p),
      republish: false,
      mirrorWait: 60 * SECOND,
      keepAlive: { spacing: STEP, lifetime: LIFETIME },
    })
    running.push({ peer, node })
    return peer
  }

  before(async () => {
    dir = await tempDir()
    ;[r1, r2] = await startMirrorPair(dir, '1s')
    visitor = await startVisitor([r1.tcp, r2.tcp])
  })

  after(async () => {
    await visitor?.stop()
    for (const { peer } of running) await peer.stop()
    await Promise.all([r1, r2].map((r) => r?.stop()))
    await removeDir(dir)
  })

  it('resolves past the first record expiry with the tab closed, and lapses at the horizon', async () => {
    const peer = await startOwner()
    const published = await peer.publishSite({
      site,
      worker: false,
      horizon: HORIZON,
      files: [{ path: '/index.html', content: utf8('<h1>kept alive</h1>') }],
    })
    const first = published.record.body
    const horizon = first.created + PRESIGNED * STEP + LIFETIME
    assert.equal(published.mirrors?.complete.length, 2, 'both relays mirror the site')
    assert.equal(published.availableUntil, horizon, 'up until the horizon without this device')
    const keepAlive = published.keepAlive!
    assert.equal(keepAlive.mirrors.length, 2)
    for (const name of keepAlive.mirrors) {
      assert.match(name, /^127\.0\.0\.1:\d+$/, 'a mirror is named by its host')
      assert.ok(![r1.peerId, r2.peerId].some((id) => name.includes(id)), 'no peer ID')
    }
    const row = await sites.getPublishedSite(site)
    assert.equal(row?.presignedSeq, first.seq + PRESIGNED, 'the highest pre-signed seq is kept')
    assert.deepEqual(row?.keepAlive?.mirrors, keepAlive.mirrors)

    await peer.stop()
    await waitFor('the first record expired', () => Date.now() > first.expires + SECOND, 60_000)
    const seq = await resolveSeq()
    assert.ok(seq !== undefined && seq > first.seq, `resolved seq ${seq} past the first expiry`)
    await waitFor('the horizon passed', () => Date.now() > horizon + SECOND, 90_000)
    assert.equal(await resolveSeq(), undefined, 'the name outlived its horizon')
  })

  it('signs the owner’s next version above every pre-signed record', async () => {
    const before = (await sites.getPublishedSite(site))!
    const peer = await startOwner()
    const published = await peer.publishSite({
      site,
      worker: false,
      horizon: HORIZON,
      files: [{ path: '/index.html', content: utf8('<h1>back again</h1>') }],
    })
    assert.ok(
      published.record.body.seq > before.presignedSeq!,
      `seq ${published.record.body.seq} above pre-signed ${before.presignedSeq}`,
    )
    await waitFor('the new version resolves', async () => {
      return (await resolveSeq()) !== undefined
    })
    await peer.stop()
  })
})
