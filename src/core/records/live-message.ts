/**
 * Live updates: the GossipSub topic of a site and the message carried on it (a signed record or
 * a revocation, exactly the bytes the DHT and the relays already judge).
 * See docs/PROTOCOL.md#live-updates.
 * @module
 */
import { base32 } from 'multiformats/bases/base32'
import { utf8 } from '../bytes.ts'
import { sha256Digest } from '../crypto/sha256.ts'
import { parseSiteName } from '../names/index.ts'
import { checkKeys, decodeCanonical, encodeCbor, isMap } from './codec.ts'
import { DHT_KEY_HASH_LENGTH, DHT_KEY_PREFIX, MAX_RECORD_SIZE } from './constants.ts'
import { MalformedRecordError, RecordTooLargeError } from './errors.ts'

/** Every live topic starts so; the rest is the site's DHT key hash in multibase base32. */
export const LIVE_TOPIC_PREFIX = '/an/live/1/'

/**
 * Largest live message in bytes: a record or revocation (at most `MAX_RECORD_SIZE`) plus the
 * message's own few bytes of framing.
 */
export const MAX_LIVE_MESSAGE_BYTES = MAX_RECORD_SIZE + 64

/** What a live message carries. */
export type LiveMessageType = 'record' | 'revocation'

/** A decoded live message. */
export interface LiveMessage {
  /** `record`: a signed name record (a DHT value); `revocation`: a trusted revoker's statement. */
  t: LiveMessageType
  /** The record or revocation envelope, byte for byte. */
  v: Uint8Array
}

const FIELDS = new Set(['t', 'v'])
const TYPES: ReadonlySet<string> = new Set<LiveMessageType>(['record', 'revocation'])
const KEY_PREFIX_BYTES = utf8(DHT_KEY_PREFIX)

/**
 * The live topic of a site: `/an/live/1/` then multibase base32 of the SHA-256 of its canonical
 * name, the same hash as its DHT key, so a relay can turn a topic into a DHT look-up.
 * Throws `InvalidNameError` for a name that does not parse.
 */
export async function liveTopic(site: string): Promise<string> {
  const canonical = parseSiteName(site).site
  return LIVE_TOPIC_PREFIX + base32.encode(await sha256Digest(utf8(canonical)))
}

/** The DHT key a live topic stands for, or undefined when `topic` is not a live topic. */
export function liveTopicKey(topic: string): Uint8Array | undefined {
  if (!topic.startsWith(LIVE_TOPIC_PREFIX)) return undefined
  let hash: Uint8Array
  try {
    hash = base32.decode(topic.slice(LIVE_TOPIC_PREFIX.length))
  } catch {
    return undefined
  }
  if (hash.length !== DHT_KEY_HASH_LENGTH) return undefined
  const key = new Uint8Array(KEY_PREFIX_BYTES.length + hash.length)
  key.set(KEY_PREFIX_BYTES)
  key.set(hash, KEY_PREFIX_BYTES.length)
  return key
}

/** The DAG-CBOR bytes of a live message. */
export function encodeLiveMessage(message: LiveMessage): Uint8Array {
  return encodeCbor({ t: message.t, v: message.v })
}

/**
 * Decodes a live message (strict DAG-CBOR, only the fields `t` and `v`). Throws
 * `RecordTooLargeError` over `MAX_LIVE_MESSAGE_BYTES`, `MalformedRecordError` otherwise.
 * The record or revocation inside is not judged here.
 */
export function decodeLiveMessage(bytes: Uint8Array): LiveMessage {
  if (bytes.length > MAX_LIVE_MESSAGE_BYTES) {
    throw new RecordTooLargeError(
      `the live message is ${bytes.length} bytes, more than ${MAX_LIVE_MESSAGE_BYTES}`,
    )
  }
  const map = decodeCanonical(bytes, 'live message')
  if (!isMap(map)) throw new MalformedRecordError('the live message is not a map')
  checkKeys(map, FIELDS, 'live message')
  if (typeof map.t !== 'string' || !TYPES.has(map.t))
    throw new MalformedRecordError('the live message has no known type')
  if (!(map.v instanceof Uint8Array))
    throw new MalformedRecordError('the live message carries no bytes')
  return { t: map.t as LiveMessageType, v: map.v }
}
