/**
 * Choosing the best of several records for one name, the same way on every node.
 * See docs/PROTOCOL.md#selection.
 * @module
 */
import { compare, equals, toHex } from '../bytes.ts'
import { isDhtKeyOf } from './dht-key.ts'
import { decodeRecord } from './signed-record.ts'
import type { SignedRecord } from './signed-record.ts'

/** What selection takes into account beyond the records themselves. */
export interface SelectRecordOptions {
  /** When given, records whose name does not hash to this DHT key never win. */
  key?: Uint8Array
  /**
   * Registrars whose registrations give a holder precedence. A registration by anyone else
   * counts for nothing: in an open network anyone can sign one. @default []
   */
  trustedRegistrars?: readonly Uint8Array[]
}

interface Candidate {
  index: number
  record: SignedRecord
}

/** Positive when `a` is the better record of one holder: higher seq, later expiry, greater signature, greater bytes. */
function compareSameHolder(a: SignedRecord, b: SignedRecord): number {
  return (
    a.body.seq - b.body.seq ||
    a.body.expires - b.body.expires ||
    compare(a.sig, b.sig) ||
    compare(a.bytes, b.bytes)
  )
}

/**
 * Index of the best record in `records`, which should already have passed `validateRecord`:
 * candidates that do not decode (or, with `key`, belong to another name) never win.
 *
 * 1. Group the candidates by holder; each holder's best is the highest `seq`, then the later
 *    `expires`, then the lexicographically greater signature.
 * 2. Between holders: a registration by a trusted registrar first, then the earliest
 *    `created`, then the smaller holder key.
 *
 * The result depends only on the set of records, never on their order; among identical
 * copies the first index wins. Returns 0 when no candidate decodes.
 */
export function selectRecord(
  records: readonly Uint8Array[],
  options: SelectRecordOptions = {},
): number {
  const trusted = options.trustedRegistrars ?? []
  const bestByHolder = new Map<string, Candidate>()
  for (const [index, bytes] of records.entries()) {
    let record: SignedRecord
    try {
      record = decodeRecord(bytes)
    } catch {
      continue
    }
    if (options.key !== undefined && !isDhtKeyOf(options.key, record.body.name)) continue
    const holder = toHex(record.holder)
    const current = bestByHolder.get(holder)
    if (current === undefined || compareSameHolder(record, current.record) > 0)
      bestByHolder.set(holder, { index, record })
  }
  const registered = (r: SignedRecord): number => {
    const registrar = r.body.registration?.registrar
    return registrar !== undefined && trusted.some((k) => equals(k, registrar)) ? 1 : 0
  }
  let best: Candidate | undefined
  for (const candidate of bestByHolder.values()) {
    if (best === undefined) {
      best = candidate
      continue
    }
    const a = candidate.record
    const b = best.record
    const better =
      registered(a) - registered(b) ||
      b.body.created - a.body.created ||
      compare(b.holder, a.holder)
    if (better > 0) best = candidate
  }
  return best?.index ?? 0
}
