/**
 * SHA-256 for the core, through the runtime's own implementation (WebCrypto in browsers and
 * Node; multiformats picks the fastest).
 * @module
 */
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'

/** The SHA-256 multihash hasher (code 0x12) used for every CID in the protocol. */
export const sha256 = sha256Hasher

/** SHA-256 digest of `bytes` (32 bytes). */
export async function sha256Digest(bytes: Uint8Array): Promise<Uint8Array> {
  const digest = await sha256Hasher.digest(bytes)
  return digest.digest
}
