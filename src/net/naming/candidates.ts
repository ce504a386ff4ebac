/**
 * Which of the values DHT servers returned for a name count at all: each is validated, a
 * subdomain's only against its root's record. Pure: no network, no storage.
 * @module
 */
import { rootSiteName } from '../../core/names/index.ts'
import { dhtKey, validateRecord, type SignedRecord } from '../../core/records/index.ts'

/** A value returned for a name, and the DHT servers that returned it. */
export interface Candidate {
  bytes: Uint8Array
  /** Distinct server peer IDs (this node's own copy counts as one server). */
  servers: readonly string[]
  /**
   * The address block each server answered from, in the order of `servers` (see
   * `addressBlock`); when absent, each server is its own block.
   */
  blocks?: readonly string[]
}

/** A valid record, and the servers that returned it. */
export interface ValidCandidate {
  record: SignedRecord
  servers: readonly string[]
  /** As in `Candidate`. */
  blocks?: readonly string[]
}

/** Options of `validCandidates`. */
export interface ValidCandidatesOptions {
  now: number
  trustedRegistrars: readonly Uint8Array[]
  /**
   * The root's record, for a subdomain. A subdomain's records are valid only against it: without
   * it (the root has no record) none is.
   */
  rootRecord?: SignedRecord
}

/**
 * The candidates valid for `name`, and the first refusal. A subdomain record is checked against
 * `rootRecord` (its claimed root owner must be the root's holder); with no root record a
 * subdomain has no valid record.
 */
export async function validCandidates(
  name: string,
  candidates: readonly Candidate[],
  options: ValidCandidatesOptions,
): Promise<{ valid: ValidCandidate[]; refusal?: unknown }> {
  const key = await dhtKey(name)
  const subdomain = rootSiteName(name) !== name
  const valid: ValidCandidate[] = []
  let refusal: unknown
  if (subdomain && options.rootRecord === undefined) return { valid }
  for (const { bytes, servers, blocks } of candidates) {
    try {
      const record = await validateRecord(bytes, {
        key,
        now: options.now,
        trustedRegistrars: options.trustedRegistrars,
        ...(options.rootRecord === undefined ? {} : { rootRecord: options.rootRecord.bytes }),
      })
      valid.push({ record, servers, ...(blocks === undefined ? {} : { blocks }) })
    } catch (err) {
      refusal ??= err
    }
  }
  return { valid, refusal }
}
