/**
 * A visitor's read of a site from the blocks it kept, in the page: the real IndexedDB block
 * store and the node's `fetch`, with no network at all (the node cannot dial anyone). Kept
 * blocks were verified before they were kept and their CID is their key, so a read does not
 * hash them again; each chunk's length is still checked against the file's entry, which a
 * manifest may get wrong while its own hash is right.
 */
import type { CID } from 'multiformats/cid'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { CHUNK_SIZE, buildManifest, rawCid } from '../../src/core/content/index.ts'
import { isHandedOver } from '../../src/core/owned-bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord } from '../../src/core/records/index.ts'
import { createSiteFetcher, type SiteFetcher } from '../../src/net/fetch/index.ts'
import type { SiteFetcherInit } from '../../src/net/fetch/fetch-site.ts'
import { buildSite, bytesOf, freshStorages } from '../storage/helpers.ts'

const SITE = 'kept:code'
const BIG = bytesOf(3 * CHUNK_SIZE + 777, 7)

/** A node with no network: every dial fails, so whatever it answers comes from its store. */
const NO_NETWORK = {
  dialProtocol: () => Promise.reject(new Error('This node has no network.')),
  dial: () => Promise.reject(new Error('This node has no network.')),
  getConnections: () => [],
} as unknown as SiteFetcherInit['libp2p']

/** The fetcher over `storage`, the name `SITE` pointing at `root`. */
async function fetcherOver(
  storage: ReturnType<ReturnType<typeof freshStorages>>,
  root: CID,
): Promise<SiteFetcher> {
  const record = await createRecord(
    { type: 'root', name: SITE, seq: 1, content: root },
    await generateKeyPair(),
  )
  return createSiteFetcher({
    libp2p: NO_NETWORK,
    mirrors: false,
    store: storage.blocks,
    resolve: async () => ({ record, fromCache: true, receivedAt: Date.now(), offline: true }),
  })
}

/** Counts the SHA-256 digests of at least a chunk's size the page computes while `run` runs. */
async function chunkDigests(run: () => Promise<void>): Promise<number> {
  const subtle = crypto.subtle
  const original = subtle.digest.bind(subtle)
  let count = 0
  subtle.digest = ((algorithm: AlgorithmIdentifier, data: BufferSource) => {
    if (data.byteLength >= CHUNK_SIZE / 2) count++
    return original(algorithm, data)
  }) as typeof subtle.digest
  try {
    await run()
  } finally {
    subtle.digest = original
  }
  return count
}

describe('fetch: a visited site read from the blocks kept on the device', () => {
  const fresh = freshStorages()

  it('answers whole files and ranges without hashing the kept chunks again', async () => {
    const storage = fresh('kept-read')
    const site = await buildSite([
      { path: '/index.html', content: bytesOf(900, 1) },
      { path: '/big.bin', content: BIG },
    ])
    // Kept as a visit keeps them: putBlocks verifies each block against its CID first.
    await storage.blocks.putBlocks(SITE, site.blocks)
    const fetcher = await fetcherOver(storage, site.root)
    let whole: Uint8Array | undefined
    let part: Uint8Array | undefined
    const digests = await chunkDigests(async () => {
      const response = await fetcher.fetch(`an://${SITE}/big.bin`)
      assert.equal(response.status, 200)
      whole = new Uint8Array(await response.arrayBuffer())
      const ranged = await fetcher.fetch(`an://${SITE}/big.bin`, {
        headers: { range: `bytes=${CHUNK_SIZE - 5}-${2 * CHUNK_SIZE + 4}` },
      })
      assert.equal(ranged.status, 206)
      part = new Uint8Array(await ranged.arrayBuffer())
    })
    assert.deepEqual(whole, BIG)
    assert.deepEqual(part, BIG.slice(CHUNK_SIZE - 5, 2 * CHUNK_SIZE + 5))
    assert.equal(digests, 0, 'no kept chunk was hashed again')
  })

  it('hands each whole kept chunk over to the body’s reader, so the bridge sends it without a copy', async () => {
    const storage = fresh('kept-handed-over')
    const site = await buildSite([{ path: '/big.bin', content: BIG }])
    await storage.blocks.putBlocks(SITE, site.blocks)
    const fetcher = await fetcherOver(storage, site.root)
    const read = async (init?: {
      headers: Record<string, string>
    }): Promise<{ sizes: number[]; whole: boolean[] }> => {
      const response = await fetcher.fetch(`an://${SITE}/big.bin`, init)
      const reader = response.body!.getReader()
      const sizes: number[] = []
      const whole: boolean[] = []
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        sizes.push(r.value.length)
        whole.push(isHandedOver(r.value))
      }
      return { sizes, whole }
    }
    assert.deepEqual(await read(), {
      sizes: [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 777],
      whole: [true, true, true, true],
    })
    // A range's cut chunks are views into a kept block: not handed over, so they are copied.
    const ranged = await read({ headers: { range: `bytes=5-${CHUNK_SIZE + 9}` } })
    assert.deepEqual(ranged, { sizes: [CHUNK_SIZE - 5, 10], whole: [false, false] })
  })

  it('still refuses a kept chunk whose length the file’s entry contradicts', async () => {
    const storage = fresh('kept-wrong-size')
    // A manifest (its hash right) listing a short block as the first of two full chunks.
    const short = bytesOf(1000, 2)
    const full = bytesOf(CHUNK_SIZE, 3)
    const chunks = [
      { cid: await rawCid(short), bytes: short },
      { cid: await rawCid(full), bytes: full },
    ]
    const manifest = await buildManifest([
      { path: '/lie.bin', size: 2 * CHUNK_SIZE, chunks: chunks.map((c) => c.cid) },
    ])
    await storage.blocks.putBlocks(SITE, [{ cid: manifest.cid, bytes: manifest.bytes }, ...chunks])
    const fetcher = await fetcherOver(storage, manifest.cid)
    const response = await fetcher.fetch(`an://${SITE}/lie.bin`)
    assert.equal(response.headers.get('x-an-error'), 'BlockVerificationError')
    assert.ok(response.status >= 400, `status ${response.status}`)
  })
})
