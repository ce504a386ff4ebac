/**
 * Hostile answers to `/an/route/1.0.0` requests that the existing host specs do not cover: a
 * response header frame announced at 1 GiB, a header that drips in a byte at a time for ever,
 * and a manifest listing millions of files (its root is the hash of its bytes, so it passes
 * verification). Real libp2p nodes over TCP; the hostile hosts are hand-written handlers. The
 * visitor's client fails each with its typed error, within a bound, without reading what was
 * announced, and an honest host still serves it.
 */
import type { Libp2p } from '@libp2p/interface'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { utf8 } from '../../src/core/bytes.ts'
import { DAG_CBOR_CODEC, MAX_FILES, MAX_MANIFEST_SIZE } from '../../src/core/content/index.ts'
import {
  DEFAULT_MAX_RESPONSE_HEADER_SIZE,
  ROUTE_PROTOCOL,
  createRouteClient,
  encodeResponseHeader,
  lengthPrefixed,
} from '../../src/net/route/index.ts'
import { deepEqual, equal, ok } from '../support/assert.ts'
import { bounded } from '../support/bounded.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { tcpNode } from './loopback-node.ts'
import { requestOf, serveSite, siteBlocks } from './route-host-support.ts'

const SITE = 'mysite:code'
/** The visitor's wait for a response header: far shorter than the spec's bound. */
const RESPONSE_TIMEOUT = 5_000

/**
 * A manifest whose `files` map declares `declared` entries and holds `entries` of them (a real
 * manifest of that many paths when they are equal): its bytes and its root.
 */
async function manyFiles(
  declared: number,
  entries: number,
): Promise<{ bytes: Uint8Array; root: CID }> {
  const files: Record<string, number> = {}
  for (let i = 0; i < entries; i++) files[`/${i}`] = 0
  let bytes = dagCbor.encode({ v: 1, files })
  if (declared !== entries) {
    // {v: 1, files: …}: the map head of `files` follows its key; declare a 32-bit count there.
    const head = bytes.indexOf(0x73) + 1 // the last byte of the key "files"
    const body = bytes.subarray(head + (entries < 24 ? 1 : entries < 256 ? 2 : 3))
    bytes = new Uint8Array([
      ...bytes.subarray(0, head),
      0xba,
      ...[24, 16, 8, 0].map((s) => (declared >>> s) & 0xff),
      ...body,
    ])
  }
  return { bytes, root: CID.createV1(DAG_CBOR_CODEC, await sha256.digest(bytes)) }
}

describe('a visitor facing hostile route answers: huge headers, dripping headers, a manifest of millions of files', () => {
  let blocks: Map<string, Uint8Array>
  let honestRoot: CID
  let honest: Libp2p
  let hostile: Libp2p
  let visitor: Libp2p
  /** What the hostile host answers, by the root asked. */
  const manifests = new Map<string, Uint8Array>()
  let mode: 'huge-header' | 'drip-header' | 'manifest' = 'manifest'
  /** Manifest requests the hostile host was sent. */
  let manifestAsked = 0
  let stop = false

  before(async () => {
    const site = await siteBlocks([{ path: '/index.html', content: utf8('<h1>home</h1>') }])
    blocks = site.blocks
    honestRoot = site.root
    ;[honest, hostile, visitor] = await Promise.all([tcpNode(), tcpNode(), tcpNode()])
    await serveSite(honest, SITE, site)
    await hostile.handle(ROUTE_PROTOCOL, async (stream) => {
      const req = await requestOf(stream)
      if (mode === 'huge-header') {
        // A header frame announced at 1 GiB, then bytes while the visitor takes them.
        stream.send(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04]))
        for (let i = 0; i < 1_024 && !stop && stream.status === 'open'; i++) {
          if (!stream.send(new Uint8Array(64 * 1024).fill(0xa0)))
            await stream.onDrain().catch(() => undefined)
        }
      } else if (mode === 'drip-header') {
        // A plausible header, one byte every 100 ms, never finished.
        const frame = lengthPrefixed(encodeResponseHeader({ status: 200, headers: {}, length: 1 }))
        for (let i = 0; i < frame.length - 1 && !stop && stream.status === 'open'; i++) {
          stream.send(frame.subarray(i, i + 1))
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      } else {
        const bytes = req.cid === undefined ? undefined : manifests.get(req.cid.toString())
        if (bytes === undefined) return void stream.abort(new Error('not a manifest request'))
        manifestAsked++
        stream.send(
          lengthPrefixed(encodeResponseHeader({ status: 200, headers: {}, length: bytes.length })),
        )
        stream.send(bytes)
        await stream.close()
      }
    })
    for (const host of [honest, hostile]) await visitor.dial(host.getMultiaddrs())
  })

  after(async () => {
    stop = true
    await Promise.all([honest, hostile, visitor].map(async (n) => n?.stop()))
  })

  async function failure(work: Promise<unknown>): Promise<{ name: string; reason?: string }> {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e as { name: string; reason?: string },
    )
    ok(err !== undefined, 'the hostile answer was taken')
    return err
  }

  async function honestStillServes(): Promise<void> {
    const client = createRouteClient(visitor)
    deepEqual(await client.getBlock(honest.peerId, honestRoot), blocks.get(honestRoot.toString()))
  }

  it('fails a response header frame announced over its limit before reading it (frame-too-large)', () =>
    bounded(async () => {
      mode = 'huge-header'
      const client = createRouteClient(visitor, { responseTimeout: RESPONSE_TIMEOUT })
      const err = await failure(client.getBlock(hostile.peerId, honestRoot))
      equal(err.name, 'RouteProtocolError')
      equal(err.reason, 'frame-too-large')
      ok(DEFAULT_MAX_RESPONSE_HEADER_SIZE < 2 ** 30)
      await honestStillServes()
    }))

  it('fails a header that drips in and never ends once the response time is up', () =>
    bounded(async () => {
      mode = 'drip-header'
      const client = createRouteClient(visitor, { responseTimeout: RESPONSE_TIMEOUT })
      const err = await failure(client.getBlock(hostile.peerId, honestRoot))
      equal(err.name, 'RequestTimeoutError')
      await honestStillServes()
    }))

  it('refuses a manifest declaring millions of files from its head, and does not ask for it again', () =>
    bounded(async () => {
      mode = 'manifest'
      const { bytes, root } = await manyFiles(4_000_000_000, 3)
      manifests.set(root.toString(), bytes)
      const client = createRouteClient(visitor, { responseTimeout: RESPONSE_TIMEOUT })
      const err = await failure(client.getManifest(hostile.peerId, root))
      equal(err.name, 'MalformedManifestError')
      equal(err.reason, 'too-many-files')
      const asked = manifestAsked
      equal((await failure(client.getManifest(hostile.peerId, root))).reason, 'too-many-files')
      equal(manifestAsked, asked, 'a refused root is not fetched again')
      await honestStillServes()
    }))

  it('refuses a real manifest of 300,000 files within the size limit', () =>
    bounded(async () => {
      mode = 'manifest'
      const { bytes, root } = await manyFiles(300_000, 300_000)
      ok(bytes.length <= MAX_MANIFEST_SIZE && 300_000 > MAX_FILES)
      manifests.set(root.toString(), bytes)
      const client = createRouteClient(visitor, { responseTimeout: RESPONSE_TIMEOUT })
      const err = await failure(client.getManifest(hostile.peerId, root))
      equal(err.name, 'MalformedManifestError')
      equal(err.reason, 'too-many-files')
      await honestStillServes()
    }))
})
