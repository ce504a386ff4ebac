import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  DAG_CBOR_CODEC,
  MAX_FILES,
  decodeManifest,
  manifestRefusal,
  type MalformedManifestError,
} from '../../src/core/content/index.ts'

async function cidOf(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(DAG_CBOR_CODEC, await sha256.digest(bytes))
}

/**
 * A manifest listing `count` files whose last byte is cut off: decoding it whole fails on the
 * missing byte ('not-canonical'); reading its heads first finds the file count.
 */
async function oversizedManifest(count: number): Promise<{ bytes: Uint8Array; cid: CID }> {
  const files: Record<string, number> = {}
  for (let i = 0; i < count; i++) files[`/${i}`] = 0
  const bytes = dagCbor.encode({ v: 1, files }).subarray(0, -1)
  return { bytes, cid: await cidOf(bytes) }
}

describe('content: manifest limits read before decoding', () => {
  it('refuses a manifest listing too many files from its declared count, before decoding its entries', async () => {
    const { bytes, cid } = await oversizedManifest(MAX_FILES + 1)
    const error = (await assert.rejects(
      decodeManifest(bytes, cid),
      'MalformedManifestError',
    )) as MalformedManifestError
    assert.equal(error.reason, 'too-many-files')
  })

  it('remembers the refusal of a verified root and repeats it without decoding', async () => {
    const { bytes, cid } = await oversizedManifest(MAX_FILES + 2)
    await assert.rejects(decodeManifest(bytes, cid), 'MalformedManifestError')
    assert.equal(manifestRefusal(cid)?.reason, 'too-many-files')
    // Whatever bytes come next for that root, the answer is the remembered refusal.
    const again = (await assert.rejects(
      decodeManifest(new Uint8Array([0xa0]), cid),
      'MalformedManifestError',
    )) as MalformedManifestError
    assert.equal(again.reason, 'too-many-files')
  })

  it('remembers nothing for bytes that are not the root they claim to be', async () => {
    const { bytes } = await oversizedManifest(MAX_FILES + 3)
    const good = dagCbor.encode({ v: 1, files: {} })
    const root = await cidOf(good)
    await assert.rejects(decodeManifest(bytes, root), 'BlockVerificationError')
    assert.equal(manifestRefusal(root), undefined)
    assert.deepEqual(await decodeManifest(good, root), { v: 1, files: {} })
  })
})
