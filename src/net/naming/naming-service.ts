/**
 * `createNamingService`: publish, resolve (cache, TOFU pins, CNAMEs, subdomains, registrars)
 * and republish signed name records over the node's kad-dht.
 * @module
 */
import type { Libp2p } from '@libp2p/interface'
import type { RecordFields, RecordHost, SignedRecord } from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import type { AlternetLibp2p } from '../node/index.ts'
import { publish, type PublishFields, type PublishResult } from './publisher.ts'
import { Republisher } from './republisher.ts'
import { canLookUpNames } from './naming-reach.ts'
import { Resolver, type ResolvedName, type ResolveOptions } from './resolver.ts'
import type { RevocationSource } from './revocations.ts'

/** What the naming service needs. */
export interface NamingServiceInit {
  libp2p: AlternetLibp2p
  storage: AlternetStorage
  /** Registrar keys of a permissioned network: the node's, as given to `createBrowserNode`. @default [] */
  trustedRegistrars?: Uint8Array[]
  /** The clock, ms since the epoch. @default Date.now */
  now?: () => number
  /**
   * Where to ask whether a name is revoked, and whose trusted registrars to use when
   * `trustedRegistrars` is empty: the node's relay manager (`createBrowserNode` gives it).
   * Without it no revocation is looked up and only `trustedRegistrars` count.
   */
  relays?: RevocationSource & { trustedRegistrars(): readonly Uint8Array[] }
  /** This node's host entry, for re-signing records when its addresses change. @default selfHostEntry */
  hostEntry?: (libp2p: Libp2p) => RecordHost
}

/** Detail of the `update` event: a background refresh found this record. */
export interface NameUpdate {
  site: string
  record: SignedRecord
}

/** Detail of the `published` event: a record was signed and put by `publish`. */
export interface NamePublished {
  site: string
  record: SignedRecord
}

/** Detail of the `republished` event: an own record was signed again and put. */
export interface NameRepublished {
  site: string
  record: SignedRecord
}

/**
 * The naming service. Events: `published` (`CustomEvent<NamePublished>`, after each `publish`),
 * `republished` (`CustomEvent<NameRepublished>`), `update` (`CustomEvent<NameUpdate>`, a background refresh of a
 * cached name), `keychange` (`CustomEvent<OwnerKeyChangedError>`, found in the background) and
 * `conflict` (`CustomEvent<NameConflict>`, DHT servers returned records of different holders
 * for a name: the UI warns) and `revoked` (`CustomEvent<NameRevokedError>`, found by a
 * background refresh).
 */
export interface NamingService extends EventTarget {
  /**
   * Signs `fields` with the owner key and puts the record; `accepted` counts the DHT servers
   * that stored it. Throws `NameHeldError`, `PublishRefusedError`, or the core's record errors.
   */
  publish(fields: PublishFields, options?: { signal?: AbortSignal }): Promise<PublishResult>
  /**
   * Resolves a site name, following CNAMEs. Throws `NameNotFoundError`, `OwnerKeyChangedError`,
   * `CnameLoopError`, `LookupTimeoutError`, `NameRevokedError` (a relay holds a trusted revocation
   * of the name or its root; checked on every network lookup), or the core's record errors (e.g.
   * `UnauthorizedSignerError` for a subdomain its root did not sign).
   */
  resolve(site: string, options?: ResolveOptions): Promise<ResolvedName>
  /** The person's knowing acceptance of `holder` as the new key of `site`'s root name. */
  acceptKeyChange(site: string, holder: Uint8Array): Promise<void>
  /** Signs `fields` with the owner key and puts nothing (records pre-signed for the mirrors). */
  sign(fields: RecordFields): Promise<SignedRecord>
  /** Signs and puts every own record again now. */
  republishNow(): Promise<void>
  /** Starts republishing own records (every 24 h, at start when due, when addresses change). */
  startRepublishing(): void
  /** Stops republishing. */
  stop(): void
}

/**
 * Creates the naming service of a browser node.
 *
 * @example
 * ```ts
 * const naming = createNamingService({ libp2p, storage })
 * naming.startRepublishing()
 * const { accepted } = await naming.publish({ type: 'root', name: 'mysite:code', content: root, hosts: [selfHostEntry(libp2p)] })
 * const { record } = await naming.resolve('mysite:code')
 * ```
 */
export function createNamingService(init: NamingServiceInit): NamingService {
  const events = new EventTarget()
  const now = init.now ?? Date.now
  const configured = init.trustedRegistrars ?? []
  const relays = init.relays
  // The app's registrars; when it gave none, those its relays trust (read as they come).
  const registrars = (): readonly Uint8Array[] =>
    configured.length > 0 ? configured : (relays?.trustedRegistrars() ?? [])
  const dht = init.libp2p.services.dht
  const resolver = new Resolver({
    dht,
    storage: init.storage,
    get trustedRegistrars() {
      return registrars()
    },
    now,
    events,
    ...(relays === undefined ? {} : { revocations: relays }),
  })
  const republisher = new Republisher({
    libp2p: init.libp2p,
    dht,
    storage: init.storage,
    now,
    hostEntry: init.hostEntry,
    resolver,
    onRepublished: (site, record) =>
      events.dispatchEvent(new CustomEvent('republished', { detail: { site, record } })),
  })
  const service: NamingService = Object.assign(events, {
    publish: async (fields: PublishFields, options: { signal?: AbortSignal } = {}) => {
      const result = await publish(
        { dht, storage: init.storage, resolver, trustedRegistrars: registrars(), now },
        fields,
        options.signal,
      )
      const detail: NamePublished = { site: result.record.body.name, record: result.record }
      events.dispatchEvent(new CustomEvent('published', { detail }))
      return result
    },
    resolve: async (site: string, options?: ResolveOptions) => {
      const resolved = await resolver.resolve(site, options)
      // From the cache with no DHT server to ask again: the caller shows an offline copy.
      const offline = resolved.fromCache && !(await canLookUpNames(init.libp2p))
      return { ...resolved, offline }
    },
    acceptKeyChange: (site: string, holder: Uint8Array) => resolver.acceptKeyChange(site, holder),
    sign: async (fields: RecordFields) =>
      (await init.storage.identity.getOrCreateOwnerKey()).createRecord(fields),
    republishNow: () => republisher.republishNow(),
    startRepublishing: () => republisher.start(),
    stop: () => republisher.stop(),
  })
  return service
}
