/**
 * Handing pre-signed records to the mirrors that hold a site completely, in status questions
 * of `/an/mirror/1.0.0` (several when the records do not fit one), and reading back until when
 * each mirror keeps the name alive. See docs/PROTOCOL.md, "Records kept alive".
 * @module
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { SignedRecord } from '../../core/records/index.ts'
import { MIRROR_STATUS_TIMEOUT_MS, PRESIGNED_QUESTION_BYTES } from './constants.ts'
import { askMirror, type MirrorStatus } from './mirror-status.ts'

/** What one mirror said to the records handed to it. */
export interface HandedRecords {
  peer: string
  /** Its last answer; undefined when it could not be asked. */
  status?: MirrorStatus
}

/** What `handRecords` resolves to. */
export interface HandRecordsResult {
  mirrors: HandedRecords[]
  /** The latest `aliveUntil` any mirror answered (ms since the epoch), if any. */
  aliveUntil?: number
}

/** Splits records into batches whose base64 fits `PRESIGNED_QUESTION_BYTES`. */
function batches(records: readonly SignedRecord[]): Uint8Array[][] {
  const out: Uint8Array[][] = [[]]
  let size = 0
  for (const { bytes } of records) {
    const cost = Math.ceil(bytes.length / 3) * 4 + 3
    if (size + cost > PRESIGNED_QUESTION_BYTES && out[out.length - 1].length > 0) {
      out.push([])
      size = 0
    }
    out[out.length - 1].push(bytes)
    size += cost
  }
  return out
}

/**
 * Hands `records` of `site` to each of `peers`; never throws but for the signal's reason (a
 * mirror that cannot be asked is reported without a status).
 */
export async function handRecords(
  node: Pick<Libp2p, 'dialProtocol'>,
  peers: readonly PeerId[],
  site: string,
  records: readonly SignedRecord[],
  signal?: AbortSignal,
): Promise<HandRecordsResult> {
  const mirrors = await Promise.all(
    peers.map(async (peer): Promise<HandedRecords> => {
      let status: MirrorStatus | undefined
      try {
        for (const batch of batches(records)) {
          const timeout = AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)
          status = await askMirror(
            node,
            peer,
            site,
            signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
            batch,
          )
        }
      } catch {
        signal?.throwIfAborted()
      }
      return status === undefined ? { peer: peer.toString() } : { peer: peer.toString(), status }
    }),
  )
  const until = mirrors
    .map((m) => m.status?.aliveUntil)
    .filter((u): u is number => typeof u === 'number')
  return until.length === 0 ? { mirrors } : { mirrors, aliveUntil: Math.max(...until) }
}
