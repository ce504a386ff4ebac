/**
 * Records kept alive without the owner: the owner signs the next versions of a site's record
 * ahead of time (`seq` + 1 …, each `created` later, each living at most 48 h) and hands them to
 * the mirrors, which put each into the DHT when its `created` has come. No relay ever holds
 * the owner's key; the name stays with its key (every record is signed by it) and never rolls
 * back (each put is a higher `seq`, and the DHT refuses lower ones). A new version from the
 * owner (a higher `seq`) makes the pre-signed ones with lower `seq` worthless: they are dropped.
 * See docs/PROTOCOL.md, "Records kept alive".
 * @module
 */
import { toHex } from '@alternet/core/bytes'
import { decodeRecord, dhtKey, validateRecord } from '@alternet/core/records'

const DAY = 86_400_000

/** Pre-signed records a mirror keeps per site. */
export const MAX_PRESIGNED_RECORDS = 100
/** Farthest ahead a pre-signed record's `created` may be. */
export const MAX_PRESIGNED_HORIZON_MS = 90 * DAY
/** How often a mirror looks for pre-signed records whose time has come. */
export const PRESIGNED_CHECK_INTERVAL_MS = 1000

/** What a mirror knows of the site when records are handed to it. */
export interface PresignedContext {
  site: string
  /** The holder key of the record held (hex). */
  holder: string
  /** The content root held. */
  root: string
  /** `seq` of the newest record seen. */
  seq: number
  registrars: readonly Uint8Array[]
  now: number
}

/** Why a handed record was refused. */
export type PresignedRefusal =
  | 'malformed'
  | 'other-site'
  | 'other-owner'
  | 'other-content'
  | 'rollback'
  | 'too-far'
  | 'expired'
  | 'invalid'
  /** Not checked: the peer used its budget of records checked per minute. */
  | 'busy'
  /** Kept records handed from the peer's source would pass its byte limit. */
  | 'source-quota'

/**
 * Checks handed records: each must be a record of the site, held by the same key, naming the
 * same content root, with a higher `seq` than the newest seen, not expired, `created` at most
 * `MAX_PRESIGNED_HORIZON_MS` ahead, and valid at its own `created` (signature, lifetime,
 * registration). Returns the accepted envelopes and the refusals by index.
 */
export async function checkPresigned(
  context: PresignedContext,
  records: readonly Uint8Array[],
): Promise<{
  accepted: Uint8Array[]
  refused: Array<{ index: number; reason: PresignedRefusal }>
}> {
  const accepted: Uint8Array[] = []
  const refused: Array<{ index: number; reason: PresignedRefusal }> = []
  const key = await dhtKey(context.site)
  for (const [index, bytes] of records.entries()) {
    let reason: PresignedRefusal | undefined
    try {
      const { body, holder } = decodeRecord(bytes)
      if (body.name !== context.site) reason = 'other-site'
      else if (toHex(holder) !== context.holder) reason = 'other-owner'
      else if (body.content?.toString() !== context.root) reason = 'other-content'
      else if (body.seq <= context.seq) reason = 'rollback'
      else if (body.expires <= context.now) reason = 'expired'
      else if (body.created > context.now + MAX_PRESIGNED_HORIZON_MS) reason = 'too-far'
      else {
        try {
          await validateRecord(bytes, {
            key,
            now: Math.max(body.created, context.now),
            trustedRegistrars: context.registrars,
          })
        } catch {
          reason = 'invalid'
        }
      }
    } catch {
      reason = 'malformed'
    }
    if (reason === undefined) accepted.push(bytes)
    else refused.push({ index, reason })
  }
  return { accepted, refused }
}

/** Merges `more` into `held`: one record per `seq` (the newest handed wins), ordered by `seq`, at most `MAX_PRESIGNED_RECORDS`. */
export function mergePresigned(
  held: readonly Uint8Array[],
  more: readonly Uint8Array[],
): Uint8Array[] {
  const bySeq = new Map<number, Uint8Array>()
  for (const bytes of [...held, ...more]) bySeq.set(decodeRecord(bytes).body.seq, bytes)
  return [...bySeq.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, MAX_PRESIGNED_RECORDS)
    .map(([, bytes]) => bytes)
}

/** The record to put now: the highest `seq` above `seq` whose time has come and that has not expired. */
export function duePresigned(
  records: readonly Uint8Array[],
  seq: number,
  now: number,
): Uint8Array | undefined {
  let best: { seq: number; bytes: Uint8Array } | undefined
  for (const bytes of records) {
    const { body } = decodeRecord(bytes)
    if (body.seq <= seq || body.created > now || body.expires <= now) continue
    if (best === undefined || body.seq > best.seq) best = { seq: body.seq, bytes }
  }
  return best?.bytes
}

/** The records still worth keeping: `seq` above `seq`, not expired. */
export function livePresigned(
  records: readonly Uint8Array[],
  seq: number,
  now: number,
): Uint8Array[] {
  return records.filter((bytes) => {
    const { body } = decodeRecord(bytes)
    return body.seq > seq && body.expires > now
  })
}

/** Until when the records keep the name alive: the latest `expires` among them and `current`. */
export function aliveUntil(records: readonly Uint8Array[], current: Uint8Array): number {
  let until = decodeRecord(current).body.expires
  for (const bytes of records) until = Math.max(until, decodeRecord(bytes).body.expires)
  return until
}
