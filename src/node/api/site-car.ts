/**
 * A site packed for a relay's registrar API (`POST /api/v1/sites/SITE/publish`): a CAR v1
 * (written with `@ipld/car`) whose root is the owner-signed record envelope (a dag-cbor block),
 * then the manifest, then the blocks, in that order (relay-node/README.md, "registrar API").
 * @module
 */
import { CarWriter } from '@ipld/car/writer'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

/** DAG-CBOR multicodec: the record envelope is a dag-cbor block. */
const DAG_CBOR = 0x71

/** A block: its CID and bytes. */
export interface CarBlock {
  cid: CID
  bytes: Uint8Array
}

/** The CID of a record envelope as a dag-cbor block. */
export async function recordCid(record: Uint8Array): Promise<CID> {
  return CID.create(1, DAG_CBOR, await sha256.digest(record))
}

/**
 * The CAR of `record`, then `manifest`, then `blocks`, as it is written: chunks come as the
 * writer makes them (the whole file is never held at once).
 */
export async function* siteCar(
  record: Uint8Array,
  manifest: CarBlock,
  blocks: Iterable<CarBlock> | AsyncIterable<CarBlock>,
): AsyncGenerator<Uint8Array> {
  const root = await recordCid(record)
  const { writer, out } = CarWriter.create([root])
  const writing = (async () => {
    try {
      await writer.put({ cid: root, bytes: record })
      await writer.put(manifest)
      for await (const block of blocks) await writer.put(block)
    } finally {
      await writer.close()
    }
  })()
  // Read the output while writing: the writer waits for each chunk to be taken.
  writing.catch(() => undefined)
  for await (const chunk of out) yield chunk
  await writing
}

/** The whole CAR in memory (small sites, tests). */
export async function siteCarBytes(
  record: Uint8Array,
  manifest: CarBlock,
  blocks: Iterable<CarBlock> | AsyncIterable<CarBlock>,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of siteCar(record, manifest, blocks)) chunks.push(chunk)
  return new Uint8Array(Buffer.concat(chunks))
}
