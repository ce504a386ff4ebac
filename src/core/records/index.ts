/**
 * Signed name records: the DHT's values. A record binds a site name (`api.mysite:code`) to its
 * hosts and content root under the holder's Ed25519 key, for at most 48 hours.
 * Spec: docs/PROTOCOL.md.
 *
 * @example
 * ```ts
 * import { createRecord, encodeRecord, dhtKey, validateRecord, createAnValidator, createAnSelector } from './core/records/index.ts'
 *
 * const record = await createRecord({ type: 'root', name: 'mysite:code', seq: 1, content: manifestCid }, keyPair)
 * const key = await dhtKey('mysite:code')
 * const bytes = encodeRecord(record)
 * await validateRecord(bytes, { key })               // what every DHT node does on PUT and GET
 * const dht = kadDHT({ validators: { an: createAnValidator() }, selectors: { an: createAnSelector() } })
 * ```
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export type {
  RecordBody,
  RecordType,
  RecordHost,
  RootLink,
  Delegation,
  Registration,
} from './record-body.ts'
export { holderOf } from './record-body.ts'
export { createRecord, decodeRecord, encodeRecord, recordSigningBytes } from './signed-record.ts'
export type { RecordFields, SignedRecord } from './signed-record.ts'
export { validateRecord } from './validate-record.ts'
export type { ValidateRecordOptions } from './validate-record.ts'
export { selectRecord } from './select-record.ts'
export { countHolderVotes } from './holder-vote.ts'
export type { HolderAnswer, HolderCount, HolderVoteResult } from './holder-vote.ts'
export type { SelectRecordOptions } from './select-record.ts'
export {
  createDelegation,
  createRegistration,
  delegationSigningBytes,
  registrationSigningBytes,
  verifyDelegation,
  verifyRegistration,
} from './authority.ts'
export type { DelegationInit, RegistrationInit } from './authority.ts'
export { dhtKey, isDhtKeyOf, recordDid, siteDid } from './dht-key.ts'
export {
  createRevocation,
  decodeRevocation,
  revocationSigningBytes,
  verifyRevocation,
} from './revocation.ts'
export type {
  RevocationBody,
  RevocationInit,
  SignedRevocation,
  VerifyRevocationOptions,
} from './revocation.ts'
export { anSelector, anValidator, createAnSelector, createAnValidator } from './dht-adapters.ts'
export type { AnRecordsInit, AnSelector, AnValidator } from './dht-adapters.ts'
export {
  decodeLiveMessage,
  encodeLiveMessage,
  liveTopic,
  liveTopicKey,
  LIVE_TOPIC_PREFIX,
  MAX_LIVE_MESSAGE_BYTES,
} from './live-message.ts'
export type { LiveMessage, LiveMessageType } from './live-message.ts'
