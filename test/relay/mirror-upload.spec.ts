/**
 * A tab pushes its site to a real relay over `/an/mirror-upload/1.0.0`: the relay asks only for
 * the blocks it lacks, verifies each, and then mirrors the site without ever pulling from the
 * tab (which serves nothing here). An upload cut short resumes: the second one sends only what
 * the relay still lacks, and a third sends nothing. Wrong bytes, a record that does not match,
 * and a relay that mirrors nothing are refused with their reason in words.
 */
import { randomBytes } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { CID } from 'multiformats/cid'
import { utf8 } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey, type SignedRecord } from '../../src/core/records/index.ts'
import { createSiteHost, publishSite, type PublishProgress } from '../../src/net/hosting/index.ts'
import { startPeer } from '../../src/net/peer.ts'
import { uploadSite, type UploadResult } from '../../src/net/mirror/index.ts'
import {
  jsonFrame,
  parseFrame,
  toBase64,
  UPLOAD_WINDOW_BLOCKS,
} from '../../src/net/mirror/upload-protocol.ts'
import { MIRROR_UPLOAD_PROTOCOL } from '../../src/net/mirror/constants.ts'
import { MAX_UPLOADS_PER_SOURCE } from '../../relay-node/src/mirror/upload-slots.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { MemorySites, MemoryStore, pattern } from '../net/hosting-support.ts'
import { createClient, dhtPut, type Client } from './support/client.ts'
import { uniqueName } from './support/records.ts'
import {
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'
import { startVisitor, waitMirrored, type Visitor } from './support/site-publisher.ts'

const MIB = 1024 * 1024
/** Blocks sent before the first upload is cut. */
const CUT_AFTER = 4

describe('pushing a site to a relay over /an/mirror-upload/1.0.0', () => {
  let dir: string
  let relay: RelayProcess
  let closed: RelayProcess
  let tab: Client
  let visitor: Visitor
  const owner = generateKeyPair()
  const store = new MemoryStore()

  /** Hashes and stores a site in the tab's store; signs its record (not put: the relay hears of it by the upload only). */
  const prepare = async (
    site: string,
    files: Record<string, Uint8Array>,
  ): Promise<{ record: SignedRecord; root: CID }> => {
    const published = await publishSite(
      {
        store,
        host: createSiteHost({ store }),
        sites: new MemorySites(),
        hostEntry: () => ({ id: tab.peerId.toMultihash().bytes, addrs: [] }),
        publish: async (fields) => ({ record: await createRecord(fields, owner), accepted: 0 }),
      },
      {
        site,
        worker: false,
        files: Object.entries(files).map(([path, content]) => ({ path, content })),
      },
    )
    return { record: published.record, root: published.root }
  }

  const upload = (
    to: RelayProcess,
    record: SignedRecord,
    options: { signal?: AbortSignal; onSent?(n: number): void; tamper?: string } = {},
  ): Promise<UploadResult> =>
    uploadSite(tab, peerIdFromString(to.peerId), {
      record,
      signal: options.signal,
      getBlock: async (cid) => {
        const bytes = await store.getBlock(cid)
        if (bytes === undefined || cid.toString() !== options.tamper) return bytes
        const wrong = bytes.slice()
        wrong[0] ^= 1
        return wrong
      },
      onProgress: (p) => options.onSent?.(p.blocksSent),
    })

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/r1`, ['--mirror-scan-interval', '1h'])
    closed = await startRelay(`${dir}/r2`, ['--mirror-policy', 'none'])
    tab = await createClient({ relays: [relay.tcp, closed.tcp] })
    visitor = await startVisitor([relay.tcp])
  })

  after(async () => {
    await tab?.stop()
    await visitor?.stop()
    await Promise.all([relay, closed].map((r) => r?.stop()))
    await removeDir(dir)
  })

  it('sends only the blocks the relay lacks, resumes after a cut, and the relay then serves the site', async () => {
    const site = uniqueName('push')
    const big = pattern(3 * MIB, 7)
    const { record, root } = await prepare(site, {
      '/index.html': utf8('<h1>pushed</h1>'),
      '/big.bin': big,
    })
    const cut = new AbortController()
    let sentFirst = 0
    await assert.rejects(
      upload(relay, record, {
        signal: cut.signal,
        onSent: (n) => {
          sentFirst = n
          if (n === CUT_AFTER) cut.abort(new Error('the tab lost its connection'))
        },
      }),
    )
    assert.equal(sentFirst, CUT_AFTER)
    // A partly stored site is never served as if whole: not complete, and not even its
    // manifest (held since the cut upload's start) is given out.
    assert.notEqual((await visitor.status(relay, site)).state, 'complete')
    await assert.rejects(visitor.manifest(root, [await visitor.connect(relay)]))
    let second: UploadResult | undefined
    // The relay may still be closing the cut upload: it refuses a second one from the same peer meanwhile.
    for (let i = 0; i < 20; i++) {
      second = await upload(relay, record)
      if (second.reason !== 'busy') break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(second?.reason, undefined, `${second?.reason}: ${second?.message}`)
    assert.equal(second?.state, 'stored')
    const total = second!.total
    assert.ok(total > CUT_AFTER + 2, `${total} blocks`)
    assert.ok(
      second!.blocksSent <= total - (CUT_AFTER - 1) && second!.blocksSent >= total - CUT_AFTER,
      `the second upload sent ${second!.blocksSent} of ${total} blocks after ${CUT_AFTER} were sent`,
    )
    const third = await upload(relay, record)
    assert.equal(third.reason, undefined, `${third.reason}: ${third.message}`)
    assert.equal(third.state, 'stored')
    assert.equal(third.blocksSent, 0, 'nothing is sent again')

    await waitMirrored(visitor, relay, site, root, 30_000)
    const got = await visitor.file(site, root, '/big.bin', [peerIdFromString(relay.peerId)])
    assert.ok(
      got.length === big.length && got.every((b, i) => b === big[i]),
      'the relay serves the pushed bytes',
    )
  })

  it("a site larger than the relay holds unwritten goes whole, the tab keeping within the relay's window", async () => {
    const site = uniqueName('windowed')
    // 24 MiB: 96 blocks, three windows of UPLOAD_WINDOW_BLOCKS, twice UPLOAD_READ_BUFFER_BYTES.
    const big = new Uint8Array(randomBytes(24 * MIB))
    const { record, root } = await prepare(site, {
      '/index.html': utf8('<h1>big</h1>'),
      '/big.bin': big,
    })
    let result: UploadResult | undefined
    for (let i = 0; i < 20; i++) {
      result = await upload(relay, record)
      if (result.reason !== 'busy') break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(result?.reason, undefined, `${result?.reason}: ${result?.message}`)
    assert.equal(result?.state, 'stored')
    assert.equal(
      result?.blocksSent,
      result?.total,
      `every block was sent once (${result?.blocksSent} of ${result?.total})`,
    )
    assert.ok(result!.total > 3 * UPLOAD_WINDOW_BLOCKS, `${result!.total} blocks`)
    await waitMirrored(visitor, relay, site, root, 60_000)
  })

  it('one network holds at most MAX_UPLOADS_PER_SOURCE uploads at once, and a freed slot is taken again', async () => {
    // Each holder is a fresh peer ID from this machine (one source): it offers a site, is
    // asked for its blocks, and sends none, holding its upload slot.
    const holders: Client[] = []
    const streams: Stream[] = []
    try {
      for (let i = 0; i < MAX_UPLOADS_PER_SOURCE; i++) {
        const holder = await createClient({ relays: [relay.tcp] })
        holders.push(holder)
        const { record, root } = await prepare(uniqueName(`hold${i}`), {
          '/index.html': utf8(`<h1>held ${i}</h1>`),
          '/big.bin': new Uint8Array(randomBytes(MIB)),
        })
        const stream = await holder.dialProtocol(
          peerIdFromString(relay.peerId),
          MIRROR_UPLOAD_PROTOCOL,
        )
        streams.push(stream)
        const lp = lpStream(stream)
        await lp.write(jsonFrame({ site: record.body.name, record: toBase64(record.bytes) }))
        await lp.write((await store.getBlock(root))!)
        const answer = parseFrame((await lp.read()).subarray()) as { state: string }
        assert.equal(answer.state, 'need', `holder ${i} is asked for its blocks`)
      }
      // A further peer from the same network is refused in words, whatever its peer ID.
      const { record } = await prepare(uniqueName('crowded'), { '/index.html': utf8('<h1>x</h1>') })
      const refused = await upload(relay, record)
      assert.equal(refused.state, 'refused')
      assert.equal(refused.reason, 'busy')
      assert.match(refused.message ?? '', /from your network/)
      // A holder goes: its slot is free for the next upload.
      streams[0].abort(new Error('the holder went away'))
      let next: UploadResult | undefined
      for (let i = 0; i < 50; i++) {
        next = await upload(relay, record)
        if (next.reason !== 'busy') break
        await new Promise((r) => setTimeout(r, 100))
      }
      assert.equal(next?.state, 'stored', `${next?.reason}: ${next?.message}`)
    } finally {
      for (const stream of streams) stream.abort(new Error('done'))
      await Promise.all(holders.map((h) => h.stop()))
    }
  })

  it('publishing pushes the site to the connected relays and shows the bytes sent', async () => {
    const site = uniqueName('published')
    const body = new Uint8Array(randomBytes(MIB))
    const node = await createClient({ relays: [relay.tcp, closed.tcp] })
    const progress: PublishProgress[] = []
    // The record names as host a peer that serves nothing: the relay gets the bytes by the push alone.
    const peer = await startPeer({
      libp2p: node,
      storage: { blocks: new MemoryStore(), sites: new MemorySites() },
      naming: {
        publish: async (fields) => {
          const record = await createRecord(fields, owner)
          return { record, accepted: await dhtPut(node, await dhtKey(site), record.bytes) }
        },
        resolve: () => Promise.reject(new Error('this publisher resolves nothing')),
      },
      hostEntry: () => ({ id: visitor.node.peerId.toMultihash().bytes, addrs: [] }),
      republish: false,
      mirrorWait: 30_000,
    })
    try {
      const published = await peer.publishSite({
        site,
        worker: false,
        files: [{ path: '/data.bin', content: body }],
        onProgress: (p) => progress.push(p),
      })
      assert.deepEqual(published.mirrors?.complete, [relay.peerId], 'the mirroring relay holds it')
      const sent = Math.max(...progress.map((p) => p.bytesUploaded ?? 0))
      assert.equal(sent, MIB, 'every byte of the site was pushed, once')
      assert.ok(
        progress.some((p) => p.phase === 'mirroring' && p.bytesUploaded === sent),
        'the progress reports the bytes sent while copying to mirrors',
      )
    } finally {
      await peer.stop()
    }
  })

  it('refuses a block that does not match its address, in words', async () => {
    const site = uniqueName('tampered')
    // Random bytes: no chunk the relay already holds from another site.
    const { record } = await prepare(site, { '/a.bin': new Uint8Array(randomBytes(MIB)) })
    const chunk = [...(store.refs.get(site) ?? [])].find(
      (cid) => cid !== record.body.content!.toString(),
    )
    const result = await upload(relay, record, { tamper: chunk })
    assert.equal(result.state, 'refused')
    assert.equal(result.reason, 'bad-content')
    assert.match(result.message ?? '', /does not match/)
    // Counted on /metrics by reason.
    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    assert.equal(
      metricValue(metrics, 'alternet_relay_mirror_refused_total{reason="upload-bad-content"}'),
      1,
    )
  })

  it('refuses a record of another site, and a relay that mirrors nothing says so', async () => {
    const { record } = await prepare(uniqueName('mine'), { '/index.html': utf8('x') })
    const other = await createRecord(
      { type: 'root', name: uniqueName('other'), seq: 1, content: record.body.content },
      owner,
    )
    const wrong = await uploadSite(tab, peerIdFromString(relay.peerId), {
      record: { ...other, body: { ...other.body, name: record.body.name } },
      getBlock: (cid) => store.getBlock(cid),
    })
    assert.equal(wrong.reason, 'invalid-record')
    const refused = await upload(closed, record)
    assert.equal(refused.reason, 'policy')
    assert.match(refused.message ?? '', /does not mirror sites/)
  })
})
