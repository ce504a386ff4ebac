/**
 * Signed name records for relay tests, good and bad, made with the core's own functions.
 * @module
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { generateKeyPair, sign, type Ed25519KeyPair } from '../../../src/core/crypto/ed25519.ts'
import { encodeCbor, encodeEnvelope } from '../../../src/core/records/codec.ts'
import {
  createRecord,
  dhtKey,
  encodeRecord,
  recordSigningBytes,
  type RecordFields,
} from '../../../src/core/records/index.ts'

export { dhtKey, generateKeyPair }
export type { Ed25519KeyPair }

/** DAG-CBOR multicodec: content roots are manifests (docs/PROTOCOL.md). */
const DAG_CBOR = 0x71
const HOUR = 3_600_000

let counter = 0

/** A name nobody else in this test run uses. */
export function uniqueName(prefix = 'site'): string {
  counter++
  return `${prefix}${process.pid}x${counter}x${Math.floor(Math.random() * 1e6)}:test`
}

/** A content root CID (dag-cbor, sha2-256) of some bytes. */
export async function contentRoot(seed: string): Promise<CID> {
  return CID.create(1, DAG_CBOR, await sha256.digest(new TextEncoder().encode(seed)))
}

/** A valid root record's envelope bytes. */
export async function rootRecord(
  name: string,
  keyPair: Ed25519KeyPair,
  fields: Partial<RecordFields> = {},
): Promise<Uint8Array> {
  return encodeRecord(await createRecord({ type: 'root', name, seq: 1, ...fields }, keyPair))
}

/**
 * A rival root record of `name` under another key, back-dated 47 h (older than any honest
 * record still within kad-dht's 48 h age limit) and expiring within the hour: what a Sybil
 * server answers to take a name.
 */
export async function backDatedRival(
  name: string,
  rogue: Ed25519KeyPair,
  fields: Partial<RecordFields> = {},
): Promise<Uint8Array> {
  const now = Date.now()
  return rootRecord(name, rogue, { created: now - 47 * HOUR, expires: now + HOUR, ...fields })
}

/** A record naming `owner` as its key but signed by another key. */
export async function forgedRecord(name: string, owner: Ed25519KeyPair): Promise<Uint8Array> {
  const created = Date.now()
  const bodyBytes = encodeCbor({
    v: 1,
    type: 'root',
    name,
    owner: owner.publicKey,
    seq: 50,
    created,
    expires: created + HOUR,
    ttl: 300,
  })
  const sig = await sign(generateKeyPair().seed, recordSigningBytes(bodyBytes))
  return encodeEnvelope({ body: bodyBytes, sig })
}

/** A record that expired an hour ago (signed, otherwise valid). */
export async function expiredRecord(name: string, keyPair: Ed25519KeyPair): Promise<Uint8Array> {
  const created = Date.now() - 3 * HOUR
  return rootRecord(name, keyPair, { seq: 60, created, expires: created + 2 * HOUR })
}

/** A correctly signed record larger than the 10 KiB the protocol allows. */
export async function oversizedRecord(name: string, keyPair: Ed25519KeyPair): Promise<Uint8Array> {
  const created = Date.now()
  const bodyBytes = encodeCbor({
    v: 1,
    type: 'root',
    name,
    owner: keyPair.publicKey,
    seq: 70,
    created,
    expires: created + HOUR,
    ttl: 300,
    meta: { pad: 'x'.repeat(11_000) },
  })
  const sig = await sign(keyPair.seed, recordSigningBytes(bodyBytes))
  return encodeEnvelope({ body: bodyBytes, sig })
}

/** A subdomain record (`TXT`) signed by `keyPair`, which it names as its root's owner. */
export async function subdomainRecord(
  name: string,
  keyPair: Ed25519KeyPair,
  fields: Partial<RecordFields> = {},
): Promise<Uint8Array> {
  return encodeRecord(
    await createRecord(
      { type: 'TXT', name, seq: 1, text: `by ${name}`, ...fields } as RecordFields,
      keyPair,
    ),
  )
}
