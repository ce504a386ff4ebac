/**
 * Per-source limits on `/an/mirror/1.0.0`, against a real relay process: a hostile peer that
 * hammers the protocol with questions carrying pre-signed records whose signatures must each
 * be checked (forged, so every one costs the relay a verification), over many connections and
 * from another address block, spends its own budget and is closed; the owner handing its own
 * pre-signed records and a visitor asking a plain question are still answered.
 */
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, decodeRecord } from '../../src/core/records/index.ts'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { askMirror, type MirrorStatus } from '../../src/net/mirror/index.ts'
import {
  MAX_MIRROR_STATUS_BYTES,
  MIRROR_STATUS_TIMEOUT_MS,
} from '../../src/net/mirror/constants.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { uniqueName } from './support/records.ts'
import {
  metricValue,
  REPO_ROOT,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './support/site-publisher.ts'

/** Connections the hostile peer opens to the relay (libp2p caps streams per connection). */
const HOSTILE_CONNECTIONS = 8
/** Questions the hostile peer keeps in flight on each connection (libp2p lets 16 in). */
const HOSTILE_STREAMS = 16
/** Pre-signed records the honest owner hands (two months ahead, a day apart). */
const HONEST_RECORDS = 60
const DAY = 86_400_000
/**
 * How long an honest question may take: the protocol's timeout three times over, for a shared
 * machine under heavy load. Without the limits the hostile peer keeps it unanswered longer.
 */
const HONEST_WAIT_MS = 3 * MIRROR_STATUS_TIMEOUT_MS
/** The hostile peer's address: another source (address block) than the honest peers'. */
const HOSTILE_ADDRESS = '127.0.2.1'
const CLOSED = 'alternet_relay_mirror_questions_refused_total{reason="peer-closed"}'
const HAMMER = join(REPO_ROOT, 'test', 'relay', 'support', 'mirror-hammer.ts')

async function metrics(relay: RelayProcess): Promise<string> {
  return (await fetch(relay.http + '/metrics', { signal: AbortSignal.timeout(10_000) })).text()
}

describe('mirror status limits', () => {
  let dir: string
  let relay: RelayProcess
  let publisher: SitePublisher
  let honest: Visitor
  let hostile: Visitor
  const owner = generateKeyPair()
  const site = uniqueName('limits')

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r`, ['--mirror-scan-interval', '2s'])
    publisher = await startPublisher([relay.tcp], owner)
    honest = await startVisitor([relay.tcp])
    hostile = await startVisitor([relay.tcp])
  })

  after(async () => {
    await hostile?.stop()
    await honest?.stop()
    await publisher?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('answers an honest peer while a hostile peer hammers the protocol', async () => {
    const published = await publisher.publish(site, { '/index.html': utf8('<h1>limits</h1>') })
    await waitMirrored(honest, relay, site, published.root)

    // Records of the owner's site with one signature byte changed: each passes every cheap
    // check (site, owner, content, seq, time) and fails only at the signature.
    const now = Date.now()
    const forged: Uint8Array[] = []
    for (let i = 1; ; i++) {
      const record = await createRecord(
        {
          type: 'root',
          name: site,
          seq: published.record.body.seq + i,
          created: now,
          expires: now + 3_600_000,
          content: published.root,
        },
        owner,
      )
      const bytes = Uint8Array.from(record.bytes)
      bytes[bytes.length - 1] ^= 1
      decodeRecord(bytes)
      // Base64 grows bytes by 4/3; leave room for the JSON around them.
      const size = forged.reduce((n, r) => n + r.length, bytes.length)
      if ((size * 4) / 3 + 64 * forged.length > MAX_MIRROR_STATUS_BYTES * 0.9) break
      forged.push(bytes)
    }
    const probe = await askMirror(
      hostile.node,
      await hostile.connect(relay),
      site,
      undefined,
      forged.slice(0, 1),
    )
    assert.deepEqual(probe.refusedRecords, [{ index: 0, reason: 'invalid' }])

    const presigned: Uint8Array[] = []
    for (let i = 1; i <= HONEST_RECORDS; i++) {
      const created = now + i * DAY
      const record = await createRecord(
        {
          type: 'root',
          name: site,
          seq: published.record.body.seq + i,
          created,
          expires: created + 2 * DAY,
          content: published.root,
        },
        owner,
      )
      presigned.push(record.bytes)
    }
    const questionFile = `${dir}/question.json`
    await writeFile(
      questionFile,
      JSON.stringify({ site, records: forged.map((r) => Buffer.from(r).toString('base64')) }),
    )
    const hammer = spawn(
      process.execPath,
      [
        HAMMER,
        relay.tcp,
        questionFile,
        String(HOSTILE_CONNECTIONS),
        String(HOSTILE_STREAMS),
        HOSTILE_ADDRESS,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let hostileSent = 0
    hammer.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n'))
        if (line.startsWith('{')) hostileSent = (JSON.parse(line) as { sent: number }).sent
    })
    try {
      // Hammering in full: every stream written once, or the relay already closing the peer.
      await waitFor(
        'the hostile peer hammering',
        async () =>
          hostileSent >= HOSTILE_CONNECTIONS * HOSTILE_STREAMS ||
          metricValue(await metrics(relay), CLOSED) > 0,
        60_000,
        100,
      )
      // The owner hands its own pre-signed records (each checked, like the hostile ones), and
      // a visitor asks a plain question: both are answered.
      const kept = await askMirror(
        publisher.node,
        await publisher.node.dial(multiaddr(relay.tcp)).then((c) => c.remotePeer),
        site,
        AbortSignal.timeout(HONEST_WAIT_MS),
        presigned,
      )
      assert.equal(kept.state, 'complete')
      assert.equal(kept.presigned, HONEST_RECORDS)
      const plain: MirrorStatus = await askMirror(
        honest.node,
        await honest.connect(relay),
        site,
        AbortSignal.timeout(HONEST_WAIT_MS),
      )
      assert.equal(plain.state, 'complete')
    } finally {
      hammer.kill('SIGKILL')
    }
    const text = await metrics(relay)
    assert.ok(metricValue(text, CLOSED) > 0, 'the relay never closed the hostile peer')
    const refused =
      metricValue(
        text,
        'alternet_relay_mirror_questions_refused_total{reason="streams-per-peer"}',
      ) +
      metricValue(
        text,
        'alternet_relay_mirror_questions_refused_total{reason="questions-per-peer"}',
      )
    assert.ok(refused > 0, 'the relay refused none of the hostile questions')
  })
})
