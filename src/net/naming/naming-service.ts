/**
 * Naming as a libp2p service: `naming(init)` in `createLibp2p({ services })` publishes, resolves
 * (cache, TOFU pins, CNAMEs, subdomains, registrars) and republishes signed name records over
 * the node's kad-dht, working through the components libp2p hands it and the relay manager
 * service (`libp2p.services.relays`). `createNamingService` builds the same service over a
 * running node, for a second store on one node (tests).
 * @module
 */
import {
  serviceCapabilities,
  serviceDependencies,
  type Connection,
  type Libp2p,
  type Libp2pEvents,
  type PeerId,
  type PeerStore,
  type TypedEventTarget,
} from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'
import { connectionBlock } from '../../core/contracts/index.ts'
import type { RecordFields, RecordHost, SignedRecord } from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import type { HostSelf } from '../hosting/host-record.ts'
import type { AlternetServices } from '../node/peer-services.ts'
import { publish, type PublishFields, type PublishResult } from './publisher.ts'
import { Republisher } from './republisher.ts'
import { canLookUpNames, type NamingReach } from './naming-reach.ts'
import { Resolver, type ResolvedName, type ResolveOptions } from './resolver.ts'
import type { RevocationSource } from './revocations.ts'

/**
 * The relays as naming uses them: where to ask whether a name is revoked, and whose trusted
 * registrars count when none are configured (the relay manager).
 */
export type NamingRelays = RevocationSource & {
  trustedRegistrars(): readonly Uint8Array[]
  /** The trusted relays connected now: a name's record is asked of them first (`relay-first.ts`). */
  trustedRelayPeers?(): readonly PeerId[]
}

/** What the naming service is configured with. */
export interface NamingInit {
  storage: AlternetStorage
  /** Registrar keys of a permissioned network: the node's. @default [] (those the relays trust) */
  trustedRegistrars?: Uint8Array[]
  /** The clock, ms since the epoch. @default Date.now */
  now?: () => number
  /** This node's host entry, for re-signing records when its addresses change. @default selfHostEntry */
  hostEntry?: (self: HostSelf) => RecordHost
}

/** The libp2p components and services naming works through (given to it as a service). */
export interface NamingComponents {
  /** This node, for its host entry. */
  peerId: PeerId
  /** The node's events: `self:peer:update` (its addresses changed; records are re-signed). */
  events: TypedEventTarget<Libp2pEvents>
  /** The node's own addresses. */
  addressManager: { getAddresses(): Multiaddr[] }
  /** Open connections: whether a DHT server could be asked now. */
  connectionManager: { getConnections(): Connection[] }
  /** Which peers serve the DHT. */
  peerStore: PeerStore
  /** The kad-dht service. */
  dht: KadDHT
  /** The relay manager service (`libp2p.services.relays`). */
  relays: NamingRelays
}

/** What `createNamingService` needs: a running node and the naming settings. */
export interface NamingServiceInit extends NamingInit {
  libp2p: Libp2p<AlternetServices>
  /**
   * Where to ask whether a name is revoked, and whose trusted registrars to use when
   * `trustedRegistrars` is empty: the node's relay manager. Without it no revocation is looked
   * up and only `trustedRegistrars` count.
   */
  relays?: NamingRelays
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
  /** Stops republishing (libp2p calls it as the node stops). */
  stop(): void
}

/** What one naming service is built over, from libp2p's components or from a running node. */
interface NamingParts {
  dht: KadDHT
  self: HostSelf
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
  reach: NamingReach
  relays: NamingRelays | undefined
}

function buildNaming(parts: NamingParts, init: NamingInit): NamingService {
  const events = new EventTarget()
  const { dht, relays } = parts
  const { storage } = init
  const now = init.now ?? Date.now
  const configured = init.trustedRegistrars ?? []
  // The app's registrars; when it gave none, those its relays trust (read as they come).
  const registrars = (): readonly Uint8Array[] =>
    configured.length > 0 ? configured : (relays?.trustedRegistrars() ?? [])
  const resolver = new Resolver({
    dht,
    storage,
    // A server's answer counts in the address block of its connection (one vote per block).
    blockOf: (peer) =>
      connectionBlock(parts.reach.getConnections().filter((c) => c.remotePeer.equals(peer))),
    get trustedRegistrars() {
      return registrars()
    },
    now,
    events,
    ...(relays === undefined ? {} : { revocations: relays }),
    ...(relays?.trustedRelayPeers === undefined
      ? {}
      : {
          relayConnections: () =>
            relays.trustedRelayPeers!().flatMap((peer) =>
              parts.reach
                .getConnections(peer)
                .filter((c) => c.status === 'open' && c.limits === undefined)
                .slice(0, 1),
            ),
        }),
  })
  const republisher = new Republisher({
    self: parts.self,
    events: parts.events,
    dht,
    storage,
    now,
    hostEntry: init.hostEntry,
    resolver,
    onRepublished: (site, record) =>
      events.dispatchEvent(new CustomEvent('republished', { detail: { site, record } })),
  })
  const service: NamingService = Object.assign(events, {
    publish: async (fields: PublishFields, options: { signal?: AbortSignal } = {}) => {
      const result = await publish(
        { dht, storage, resolver, trustedRegistrars: registrars(), now },
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
      const offline = resolved.fromCache && !(await canLookUpNames(parts.reach))
      return { ...resolved, offline }
    },
    acceptKeyChange: (site: string, holder: Uint8Array) => resolver.acceptKeyChange(site, holder),
    sign: async (fields: RecordFields) =>
      (await storage.identity.getOrCreateOwnerKey()).createRecord(fields),
    republishNow: () => republisher.republishNow(),
    startRepublishing: () => republisher.start(),
    stop: () => republisher.stop(),
  })
  return service
}

/**
 * The naming service factory, for `createLibp2p({ services: { ..., dht, relays, naming: naming(init) } })`:
 * it needs the kad-dht and relay manager services. Republishing starts with
 * `startRepublishing()` (the peer's choice), and stops with the node.
 *
 * @example
 * ```ts
 * const libp2p = await createLibp2p({ ..., services: { dht: kadDHT({ ... }),
 *   relays: relayManager({ relays }), naming: naming({ storage }) } })
 * const { record } = await libp2p.services.naming.resolve('mysite:code')
 * ```
 */
export function naming(init: NamingInit): (components: NamingComponents) => NamingService {
  return (components) => {
    const service = buildNaming(
      {
        dht: components.dht,
        self: {
          peerId: components.peerId,
          getMultiaddrs: () => components.addressManager.getAddresses(),
        },
        events: components.events,
        reach: {
          getConnections: () => components.connectionManager.getConnections(),
          peerStore: components.peerStore,
        },
        relays: components.relays,
      },
      init,
    )
    // An EventTarget's own tag is read-only: defined, not assigned.
    Object.defineProperty(service, Symbol.toStringTag, { value: '@alternet/naming' })
    return Object.assign(service, {
      [serviceCapabilities]: ['@alternet/naming'],
      [serviceDependencies]: ['@libp2p/kad-dht', '@alternet/relay-manager'],
      /** Nothing to start: republishing starts with `startRepublishing()`. */
      start: () => undefined,
    })
  }
}

/**
 * Creates a naming service over a running node (the service `naming` gives, for a second store
 * on one node).
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
  const { libp2p } = init
  return buildNaming(
    {
      dht: libp2p.services.dht,
      self: libp2p,
      events: libp2p,
      reach: libp2p,
      relays: init.relays,
    },
    init,
  )
}
