/**
 * Short, human-comparable fingerprints of public keys, for people to check a key by eye or over
 * the phone: base32 (RFC 4648, lowercase) of SHA-256 of the key, 20 characters (100 bits) in
 * groups of four, e.g. `k7qm-2xfa-p4tn-bz6e-wr3d`.
 * @module
 */
import { base32 } from 'multiformats/bases/base32'
import { sha256Digest } from './sha256.ts'

/** Characters of a key fingerprint, before grouping (5 bits each: 100 bits). */
export const FINGERPRINT_LENGTH = 20

/** Characters per group of a fingerprint (`abcd-efgh-...`). */
export const FINGERPRINT_GROUP = 4

/** The fingerprint of a public key (any length; an Ed25519 key is 32 bytes). */
export async function fingerprint(publicKey: Uint8Array): Promise<string> {
  const text = base32.baseEncode(await sha256Digest(publicKey)).slice(0, FINGERPRINT_LENGTH)
  const groups: string[] = []
  for (let i = 0; i < text.length; i += FINGERPRINT_GROUP)
    groups.push(text.slice(i, i + FINGERPRINT_GROUP))
  return groups.join('-')
}
