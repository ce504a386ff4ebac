/**
 * Records stay alive without the owner: the owner hands the mirrors pre-signed next versions of
 * its record, with short lifetimes so that the spec runs in seconds (the owner chooses
 * `created` and `expires`; nothing on the relays is shortened). With the owner gone, the name
 * still resolves past its first record's expiry, and stops resolving after the last
 * pre-signed record's expiry (the horizon). Records of another key, another site or a lower
 * `seq` are refused with their reason.
 */
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey, type SignedRecord } from '../../src/core/records/index.ts'
import { askMirror } from '../../src/net/mirror/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { dhtPut } from './support/client.ts'
import { resolvedSeq, startMirrorPair } from './support/mirror-pair.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, tempDir, waitFor, type RelayProcess } from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

const SECOND = 1000
/** Lifetime of every record in this spec (the protocol allows up to 48 h). */
const LIFETIME = 8 * SECOND
/** Spacing of the pre-signed records' `created`. */
const STEP = 5 * SECOND
const PRESIGNED = 3

describe('records kept alive by mirrors without the owner', () => {
  let dir: string
  let r1: RelayProcess
  let r2: RelayProcess
  let visitor: Visitor
  let publisher: SitePublisher | undefined
  const owner = generateKeyPair()
  const site = uniqueName('alive')

  const resolveSeq = (): Promise<number | undefined> => resolvedSeq(visitor, site)

  before(async () => {
    dir = await tempDir()
    ;[r1, r2] = await startMirrorPair(dir, '2s')
    visitor = await startVisitor([r1.tcp, r2.tcp])
  })

  after(async () => {
    await visitor?.stop()
    await publisher?.stop()
    await Promise.all([r1, r2].map((r) => r?.stop()))
    await removeDir(dir)
  })

  it('keeps the name resolving past its first expiry, and lets it lapse at the horizon', async () => {
    publisher = await startPublisher([r1.tcp, r2.tcp], owner)
    const published = await publisher.publish(site, { '/index.html': utf8('<h1>still here</h1>') })
    for (const r of [r1, r2]) await waitMirrored(visitor, r, site, published.root)
    // The owner's last own record before it leaves, short-lived so the spec runs in seconds.
    const t0 = Date.now()
    const last = await createRecord(
      {
        type: 'root',
        name: site,
        seq: published.record.body.seq + 1,
        created: t0,
        expires: t0 + LIFETIME,
        content: published.root,
        hosts: published.record.body.hosts,
      },
      owner,
    )
    assert.ok((await dhtPut(publisher.node, await dhtKey(site), last.bytes)) > 0)
    const next: SignedRecord[] = []
    for (let i = 1; i <= PRESIGNED; i++) {
      const created = t0 + i * STEP
      next.push(
        await createRecord(
          {
            type: 'root',
            name: site,
            seq: last.body.seq + i,
            created,
            expires: created + LIFETIME,
            content: published.root,
            hosts: published.record.body.hosts,
          },
          owner,
        ),
      )
    }
    const horizon = next[next.length - 1].body.expires
    const stranger = await createRecord(
      { type: 'root', name: site, seq: 99, content: published.root },
      generateKeyPair(),
    )
    const rollback = await createRecord(
      { type: 'root', name: site, seq: published.record.body.seq, content: published.root },
      owner,
    )
    for (const r of [r1, r2]) {
      const answer = await askMirror(visitor.node, await visitor.connect(r), site, undefined, [
        ...next.map((n) => n.bytes),
        stranger.bytes,
        rollback.bytes,
      ])
      assert.equal(answer.presigned, PRESIGNED)
      assert.deepEqual(answer.refusedRecords, [
        { index: PRESIGNED, reason: 'other-owner' },
        { index: PRESIGNED + 1, reason: 'rollback' },
      ])
      assert.equal(answer.aliveUntil, horizon)
      // A visitor's plain question learns the same horizon.
      const plain = await askMirror(visitor.node, await visitor.connect(r), site)
      assert.equal(plain.state, 'complete')
      assert.equal(plain.aliveUntil, horizon)
    }
    await publisher.stop()

    // Past the first record's expiry, a later pre-signed record answers for the name.
    await waitFor('the first record expired', () => Date.now() > t0 + LIFETIME + SECOND, 30_000)
    const seq = await resolveSeq()
    assert.ok(seq !== undefined && seq > last.body.seq, `resolved seq ${seq}`)
    // After the horizon, nothing valid is left: the name stops resolving.
    await waitFor('the horizon passed', () => Date.now() > horizon + SECOND, 60_000)
    assert.equal(await resolveSeq(), undefined, 'the name outlived its horizon')
  })
})
