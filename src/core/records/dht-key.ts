/**
 * DHT keys and DIDs of site names. See docs/PROTOCOL.md#dht-key and #did.
 * @module
 */
import { sha256 as sha256Sync } from '@noble/hashes/sha2.js'
import { base32 } from 'multiformats/bases/base32'
import { concat, equals, utf8 } from '../bytes.ts'
import { sha256Digest } from '../crypto/sha256.ts'
import { parseSiteName } from '../names/index.ts'
import { DHT_KEY_HASH_LENGTH, DHT_KEY_PREFIX, DID_HASH_DOMAIN, DID_PREFIX } from './constants.ts'
import { domainSeparated } from './codec.ts'
import type { SignedRecord } from './signed-record.ts'

const PREFIX_BYTES = utf8(DHT_KEY_PREFIX)

/**
 * The DHT key of a site: UTF-8 `/an/` then the 32-byte SHA-256 of the UTF-8 canonical name.
 * `site` is normalised first (`MySite:Code` and `mysite:code` share a key); throws
 * `InvalidNameError` for a name that does not parse.
 */
export async function dhtKey(site: string): Promise<Uint8Array> {
  const canonical = parseSiteName(site).site
  return concat([PREFIX_BYTES, await sha256Digest(utf8(canonical))])
}

/** Whether `key` is the DHT key of the canonical site name `site` (synchronous, for selectors). */
export function isDhtKeyOf(key: Uint8Array, site: string): boolean {
  if (key.length !== PREFIX_BYTES.length + DHT_KEY_HASH_LENGTH) return false
  if (!equals(key.subarray(0, PREFIX_BYTES.length), PREFIX_BYTES)) return false
  return equals(key.subarray(PREFIX_BYTES.length), sha256Sync(utf8(site)))
}

/**
 * The DID of a site held by `holderKey`: `did:an:` then multibase base32 (lowercase, `b`) of
 * SHA-256(`an-did-v1`, 0x00, canonical name, 0x00, holder key). A new holder means a new DID.
 */
export async function siteDid(site: string, holderKey: Uint8Array): Promise<string> {
  const canonical = parseSiteName(site).site
  const digest = await sha256Digest(
    domainSeparated(DID_HASH_DOMAIN, concat([utf8(canonical), new Uint8Array([0]), holderKey])),
  )
  return DID_PREFIX + base32.encode(digest)
}

/** The DID of a record's site and holder (a delegate's records share the root holder's DID). */
export async function recordDid(record: SignedRecord): Promise<string> {
  return siteDid(record.body.name, record.holder)
}
