/**
 * Sites packed for the registrar API's publish endpoint: a CAR v1 (written with `@ipld/car`)
 * whose root is the signed record, then the manifest, then the blocks.
 * @module
 */
import { CarWriter } from '@ipld/car/writer'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { addFiles, type EncodedManifest } from '../../../src/core/content/index.ts'

/** DAG-CBOR multicodec: the record envelope is a dag-cbor block. */
const DAG_CBOR = 0x71

/** A site's manifest and blocks, in memory. */
export interface PackedSite {
  manifest: EncodedManifest
  blocks: Array<{ cid: CID; bytes: Uint8Array }>
}

/** Chunks `files` into a manifest and blocks. */
export async function packSite(files: Record<string, Uint8Array>): Promise<PackedSite> {
  const blocks: PackedSite['blocks'] = []
  const manifest = await addFiles(
    Object.entries(files).map(([path, content]) => ({ path, content })),
    { onBlock: (cid, bytes) => void blocks.push({ cid, bytes }) },
  )
  return { manifest, blocks }
}

/** The CID of a record envelope as a dag-cbor block. */
export async function recordCid(record: Uint8Array): Promise<CID> {
  return CID.create(1, DAG_CBOR, await sha256.digest(record))
}

/** A CAR of `record`, then `site`'s manifest, then `blocks` (default: all of the site's). */
export async function carOf(
  record: Uint8Array,
  site: PackedSite,
  blocks = site.blocks,
): Promise<Uint8Array> {
  const root = await recordCid(record)
  const { writer, out } = CarWriter.create([root])
  const chunks: Uint8Array[] = []
  const collected = (async () => {
    for await (const chunk of out) chunks.push(chunk)
  })()
  await writer.put({ cid: root, bytes: record })
  await writer.put({ cid: site.manifest.cid, bytes: site.manifest.bytes })
  for (const block of blocks) await writer.put(block)
  await writer.close()
  await collected
  return new Uint8Array(Buffer.concat(chunks))
}
