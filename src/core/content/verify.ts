/**
 * Block identifiers and verification: every block a peer receives is hashed and compared with
 * the CID it asked for before any byte of it is used. See docs/PROTOCOL.md,
 * "Verification".
 * @module
 */
import { CID } from 'multiformats/cid'
import { sha256 } from '../crypto/sha256.ts'
import { equals } from '../bytes.ts'
import { BlockVerificationError } from './errors.ts'
import {
  CHUNK_SIZE,
  DAG_CBOR_CODEC,
  MAX_MANIFEST_SIZE,
  RAW_CODEC,
  SHA2_256_CODE,
  SHA2_256_LENGTH,
} from './constants.ts'
import type { FileEntry } from './manifest-types.ts'

/** CIDv1 (raw, sha2-256) of a chunk's bytes. */
export async function rawCid(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(RAW_CODEC, await sha256.digest(bytes))
}

/** Largest block the protocol accepts for a codec, or undefined for codecs it does not know. */
function maxBlockSize(code: number): number | undefined {
  if (code === RAW_CODEC) return CHUNK_SIZE
  if (code === DAG_CBOR_CODEC) return MAX_MANIFEST_SIZE
  return undefined
}

/**
 * Checks that `bytes` are the block `cid` names: CIDv1, codec raw (≤ CHUNK_SIZE bytes) or
 * dag-cbor (≤ MAX_MANIFEST_SIZE), sha2-256, digest equal. Throws `BlockVerificationError`.
 */
export async function verifyBlock(cid: CID, bytes: Uint8Array): Promise<void> {
  if (cid.version !== 1) {
    throw new BlockVerificationError('unsupported-cid-version', `Block ${cid} is not a CIDv1.`, cid)
  }
  const max = maxBlockSize(cid.code)
  if (max === undefined) {
    throw new BlockVerificationError(
      'unsupported-codec',
      `Block ${cid} uses codec 0x${cid.code.toString(16)}; only raw and dag-cbor are accepted.`,
      cid,
    )
  }
  if (cid.multihash.code !== SHA2_256_CODE || cid.multihash.size !== SHA2_256_LENGTH) {
    throw new BlockVerificationError(
      'unsupported-hash',
      `Block ${cid} is not addressed by a sha2-256 hash.`,
      cid,
    )
  }
  if (bytes.length > max) {
    throw new BlockVerificationError(
      'too-large',
      `Block ${cid} is ${bytes.length} bytes, over the ${max}-byte limit.`,
      cid,
    )
  }
  const digest = await sha256.digest(bytes)
  if (!equals(digest.digest, cid.multihash.digest)) {
    throw new BlockVerificationError(
      'hash-mismatch',
      `The data received for block ${cid} does not match its hash: it is corrupt or forged.`,
      cid,
    )
  }
}

/** Size of chunk `index` of a file of `size` bytes. */
export function chunkLength(size: number, index: number): number {
  return Math.min(CHUNK_SIZE, size - index * CHUNK_SIZE)
}

/**
 * Checks a whole file against its manifest entry: as many chunks as listed, each of the size
 * fixed-size chunking gives and matching its CID. Throws `BlockVerificationError`.
 */
export async function verifyFile(
  entry: FileEntry,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<void> {
  let index = 0
  for await (const bytes of chunks) {
    const cid = entry.chunks[index]
    if (cid === undefined) {
      throw new BlockVerificationError(
        'extra-block',
        `The file has more than the ${entry.chunks.length} chunks its entry lists.`,
      )
    }
    await verifyChunk(entry, index, bytes)
    index++
  }
  if (index < entry.chunks.length) {
    throw new BlockVerificationError(
      'missing-block',
      `The file has ${index} chunks; its entry lists ${entry.chunks.length}.`,
      entry.chunks[index],
    )
  }
}

/**
 * Verifies chunk `index` of `entry`: its hash, then its length against the entry's size. With
 * `hashed`, the bytes were already checked against the chunk's CID (`verifyBlock`, as a route
 * client's `getBlock` does), so only the length is: a block is never hashed twice.
 */
export async function verifyChunk(
  entry: FileEntry,
  index: number,
  bytes: Uint8Array,
  options: { hashed?: boolean } = {},
): Promise<void> {
  const cid = entry.chunks[index]
  if (options.hashed !== true) await verifyBlock(cid, bytes)
  const expected = chunkLength(entry.size, index)
  if (cid.code !== RAW_CODEC || bytes.length !== expected) {
    throw new BlockVerificationError(
      'wrong-size',
      `Chunk ${index} (${cid}) is ${bytes.length} bytes; the file's size requires ${expected}.`,
      cid,
    )
  }
}
