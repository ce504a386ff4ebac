/**
 * The owner's side of "Records kept alive": signing the next versions of a site's record ahead
 * of time, so that the mirrors can put each into the DHT when its time comes while the owner's
 * device is away. Each is the current record with `seq` + i, `created` i spacings later and
 * the longest lifetime, and no hosts (this device is not expected to be there to serve; the
 * mirrors are). The last one's expiry is the horizon. See docs/PROTOCOL.md, "Records kept alive".
 * @module
 */
import type { RecordFields, SignedRecord } from '../../core/records/index.ts'
import {
  DEFAULT_PRESIGN_SPACING_MS,
  DEFAULT_PRESIGNED_LIFETIME_MS,
  MAX_PRESIGN_AHEAD_MS,
  MAX_PRESIGNED_RECORDS,
} from './constants.ts'

/** How far ahead, and how densely, to pre-sign. */
export interface PresignOptions {
  /** How long after the current record's `created` the last pre-signed record may run, in ms. */
  horizon: number
  /** @default DEFAULT_PRESIGN_SPACING_MS */
  spacing?: number
  /** @default DEFAULT_PRESIGNED_LIFETIME_MS */
  lifetime?: number
}

/** How many records a horizon needs: the last one's `expires` stays within it, and every rule of the mirrors holds. */
export function presignCount(options: PresignOptions): number {
  const spacing = options.spacing ?? DEFAULT_PRESIGN_SPACING_MS
  const lifetime = options.lifetime ?? DEFAULT_PRESIGNED_LIFETIME_MS
  const horizon = Math.min(options.horizon, MAX_PRESIGN_AHEAD_MS)
  if (spacing <= 0 || horizon <= lifetime) return 0
  return Math.min(MAX_PRESIGNED_RECORDS, Math.floor((horizon - lifetime) / spacing))
}

/**
 * Signs the records that keep `current` alive up to the horizon with `sign` (the owner key's
 * `createRecord`); none when the horizon is within one record's lifetime.
 */
export async function presignRecords(
  sign: (fields: RecordFields) => Promise<SignedRecord>,
  current: SignedRecord,
  options: PresignOptions,
): Promise<SignedRecord[]> {
  const spacing = options.spacing ?? DEFAULT_PRESIGN_SPACING_MS
  const lifetime = options.lifetime ?? DEFAULT_PRESIGNED_LIFETIME_MS
  const { v: _v, owner: _owner, created, expires: _expires, hosts: _hosts, ...kept } = current.body
  const records: SignedRecord[] = []
  for (let i = 1; i <= presignCount(options); i++) {
    const at = created + i * spacing
    records.push(
      await sign({ ...kept, seq: current.body.seq + i, created: at, expires: at + lifetime }),
    )
  }
  return records
}
