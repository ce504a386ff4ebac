/**
 * Checks one vector of test/vectors/records.json against the spec's rules (lib/records.ts):
 * its proof fields are what a verifier derives from `record`, checking them gives the vector's
 * verdict, and validating `record` independently gives the vector's error.
 * @module
 */
import { hex, unhex } from './cid.ts'
import { verifyStrict } from './ed25519.ts'
import { proofFields, validateRecord } from './records.ts'

/** One vector of records.json, as docs/PROTOCOL.md describes it. */
export interface RecordVector {
  description: string
  publicKey: string
  signedBytes: string
  signature: string
  record: string
  key: string
  now: number
  valid: boolean
  error: string | null
  rootRecord?: string
  trustedRegistrars?: string[]
}

/** Refusals from the signature rules: the proof fields of such a vector must not verify. */
const SIGNATURE_ERRORS = new Set(['InvalidSignatureError'])
/** Refusals of the checks after the signature ("Validation" 4 and 5): the proof fields verify. */
const AFTER_SIGNATURE_ERRORS = new Set(['UnauthorizedSignerError', 'UnregisteredNameError'])

/** What is wrong with `v`, in words; empty when it agrees with the spec. */
export function checkRecordVector(v: RecordVector): string[] {
  const problems: string[] = []
  const record = unhex(v.record)
  const derived = proofFields(record)
  for (const field of ['publicKey', 'signedBytes', 'signature'] as const) {
    if (hex(derived[field]) !== v[field])
      problems.push(
        `${field} is not what a verifier derives from record (${hex(derived[field]).slice(0, 24)}…)`,
      )
  }
  const holds = verifyStrict(unhex(v.publicKey), unhex(v.signedBytes), unhex(v.signature))
  if (v.valid !== (v.error === null)) problems.push('valid and error disagree')
  if (v.valid && !holds) problems.push('valid, but its proof fields do not verify')
  if (v.error !== null && SIGNATURE_ERRORS.has(v.error) && holds)
    problems.push(`refused with ${v.error}, but its proof fields verify`)
  const signedAnyway =
    AFTER_SIGNATURE_ERRORS.has(v.error ?? '') ||
    (v.description.endsWith('(signed)') && v.publicKey.length === 64)
  if (signedAnyway && !holds) problems.push('refused for another reason, but does not verify')
  if (
    v.signedBytes !== '' &&
    !v.signedBytes.startsWith(hex(new TextEncoder().encode('an-record-v1\0')))
  )
    problems.push('signedBytes do not start with the an-record-v1 tag')
  const verdict = validateRecord(record, {
    key: unhex(v.key),
    now: BigInt(v.now),
    rootRecord: v.rootRecord === undefined ? undefined : unhex(v.rootRecord),
    trustedRegistrars: v.trustedRegistrars?.map(unhex),
  })
  if ((verdict?.error ?? null) !== v.error)
    problems.push(
      `the spec's rules give ${verdict === null ? 'valid' : `${verdict.error} (${verdict.why})`}, the vector says ${v.error ?? 'valid'}`,
    )
  return problems
}
