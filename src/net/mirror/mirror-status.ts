/**
 * `/an/mirror/1.0.0`: one question, one answer, each a length-prefixed UTF-8 JSON object.
 * The question names a site (`{"site":"mysite:code"}`); the answer says what this relay holds
 * of it: `complete` (every block stored and served, with its `root`), `fetching` (with the
 * blocks done so far), `refused` (with a `reason` label and a `message` in words), or
 * `absent`. Publishers ask it to show "Copying to mirrors … 2 of 3"; relays ask it to learn
 * which relays are alive and mirror. A question may carry the owner's pre-signed next records
 * (`records`, base64 envelopes): the mirror keeps those it accepts and puts each into the DHT
 * when its time comes. See docs/PROTOCOL.md, "Mirror status" and "Records kept alive".
 * @module
 */
import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { MAX_MIRROR_STATUS_BYTES, MIRROR_PROTOCOL, MIRROR_STATUS_TIMEOUT_MS } from './constants.ts'

/** What a mirror holds of one site. */
export interface MirrorStatus {
  site: string
  state: 'complete' | 'fetching' | 'refused' | 'absent'
  /** Who answers: a relay (absent) or a visitor's browser that helps host (`visitor`). */
  kind?: 'visitor'
  /** The content root held (`complete`) or being fetched (`fetching`). */
  root?: string
  /** Blocks stored so far and in all (`fetching`, `complete`). */
  blocksDone?: number
  blocksTotal?: number
  /** Bytes of the site (`complete`). */
  bytes?: number
  /**
   * `complete`, from a relay: the base URL (`https://host[:port]`) where it serves the site's
   * blocks over HTTP (`GET <http>/ipfs/<cid>`, docs/PROTOCOL.md "Blocks over HTTP").
   */
  http?: string
  /** `refused`: the metric label (`owner-quota`, `store-full`, `policy`, …). */
  reason?: string
  /** `refused`: why, in words for a person. */
  message?: string
  /** Pre-signed records held for the site (after a question that carried `records`). */
  presigned?: number
  /** Records of the question refused: their index and the reason. */
  refusedRecords?: Array<{ index: number; reason: string }>
  /**
   * Until when (ms since the epoch) the records held keep the name alive: the latest expiry of
   * the site's current record and the pre-signed ones (`complete` answers, and answers to a
   * question that carried records).
   */
  aliveUntil?: number
}

/** A status question: the site, and optionally pre-signed records to keep. */
export interface MirrorQuestion {
  site: string
  /** Signed record envelopes, base64 (standard alphabet, padded). */
  records?: string[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Answers one status question on `stream` with `answer(question)`. */
export async function answerStatus(
  stream: Stream,
  answer: (question: MirrorQuestion) => MirrorStatus | Promise<MirrorStatus>,
): Promise<void> {
  const signal = AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)
  const lp = lpStream(stream, { maxDataLength: MAX_MIRROR_STATUS_BYTES })
  try {
    const question = JSON.parse(decoder.decode((await lp.read({ signal })).subarray())) as {
      site?: unknown
      records?: unknown
    }
    const site = typeof question.site === 'string' ? question.site : ''
    const records = Array.isArray(question.records)
      ? question.records.filter((r): r is string => typeof r === 'string')
      : undefined
    const reply = await answer(records === undefined ? { site } : { site, records })
    await lp.write(encoder.encode(JSON.stringify(reply)), { signal })
    await stream.close({ signal })
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  }
}

/** Asks `peer` what it holds of `site`. Throws when the peer cannot be reached or does not mirror. */
export async function askMirror(
  node: Pick<Libp2p, 'dialProtocol'>,
  peer: PeerId,
  site: string,
  signal: AbortSignal = AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS),
  records?: readonly Uint8Array[],
): Promise<MirrorStatus> {
  const stream = await node.dialProtocol(peer, MIRROR_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_MIRROR_STATUS_BYTES })
    const question: MirrorQuestion =
      records === undefined ? { site } : { site, records: records.map(toBase64) }
    await lp.write(encoder.encode(JSON.stringify(question)), { signal })
    const answer = JSON.parse(
      decoder.decode((await lp.read({ signal })).subarray()),
    ) as MirrorStatus
    await stream.close({ signal }).catch(() => undefined)
    return answer
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

function toBase64(bytes: Uint8Array): string {
  let text = ''
  for (const b of bytes) text += String.fromCharCode(b)
  return btoa(text)
}
