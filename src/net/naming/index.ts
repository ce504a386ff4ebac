/**
 * Naming: signed name records published to and resolved from the DHT, with a local cache,
 * trust-on-first-use pins of holder keys, CNAMEs, subdomains checked against their root,
 * trusted registrars, and republishing. See docs/PROTOCOL.md.
 *
 * @example
 * ```ts
 * import { naming as namingService, selfHostEntry } from './net/naming/index.ts'
 *
 * const libp2p = await createLibp2p({ ..., services: { dht, relays, naming: namingService({ storage }) } })
 * const naming = libp2p.services.naming
 * naming.startRepublishing()
 * await naming.publish({ type: 'root', name: 'mysite:code', content: root, hosts: [selfHostEntry(libp2p)] })
 * try {
 *   const { record } = await naming.resolve('mysite:code')
 * } catch (err) {
 *   if ((err as Error).name === 'OwnerKeyChangedError') askThePerson(err)  // then acceptKeyChange
 * }
 * ```
 * @module
 */
export { createNamingService, naming } from './naming-service.ts'
export type {
  NamePublished,
  NameRepublished,
  NameUpdate,
  NamingComponents,
  NamingInit,
  NamingRelays,
  NamingService,
  NamingServiceInit,
} from './naming-service.ts'
export type { ResolvedName, ResolveOptions } from './resolver.ts'
export type { PublishFields, PublishResult } from './publisher.ts'
export { selfHostEntry } from '../hosting/host-record.ts'
export { getCandidates, getRecords, putRecord } from './dht-records.ts'
export { chooseRecord } from './choose-record.ts'
export type {
  Choice,
  ChooseRecordOptions,
  HolderOffer,
  HolderSeen,
  NameConflict,
} from './choose-record.ts'
export { validCandidates } from './candidates.ts'
export { findRevocation, RevocationCheckFailedError } from './revocations.ts'
export type { RevocationSource } from './revocations.ts'
export type { Candidate, ValidCandidate } from './candidates.ts'
export type { DhtCallOptions } from './dht-records.ts'
export * from './constants.ts'
export * from './errors.ts'
