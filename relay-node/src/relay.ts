/**
 * `createRelay(config)`: the whole relay in one object — identity, persistent guarded store,
 * libp2p node, permissions, revocations, republishing, bootstrapping and HTTP — started, with
 * `stop()`. The CLI runs one; tests and the bench can run several in one process.
 *
 * @example
 * ```ts
 * const relay = await createRelay(defaultConfig({ dataDir: '/tmp/relay', httpPort: 0, tcpPort: 0, wsPort: 0, webrtcPort: 0 }))
 * console.log(relay.peerId.toString(), relay.httpUrl)
 * await relay.stop()
 * ```
 * @module
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PeerId } from '@libp2p/interface'
import { connectionBlock } from '@alternet/core/contracts'
import type { RelayConfig } from './config.ts'
import type { Permissions } from './permissions.ts'
import { Bootstrapper } from './bootstrap.ts'
import { ConfigError } from './errors.ts'
import { startRelayDns, type RelayDns } from './dns/relay-dns.ts'
import { SiteLookup } from './dns/site-lookup.ts'
import { createRelayApi, type RelayApi } from './api/relay-api.ts'
import { SiteStats } from './api/site-stats.ts'
import { startHttp, type RelayHttp, type WellKnown } from './http.ts'
import { relayDocuments } from './relay-documents.ts'
import { openGuardedStore, openRelayDisk } from './relay-stores.ts'
import { attributeDhtWrites } from './dht-senders.ts'
import { Gateway } from './gateway/index.ts'
import { ensureDataDir, loadOrCreatePeerKey } from './identity.ts'
import { createLogger, type Logger } from './log.ts'
import { createRelayMetrics, registerGauges, registerLiveGauge } from './metrics.ts'
import { createRelayNode, type RelayNode } from './node.ts'
import { Mirror, RecordWatch } from './mirror/index.ts'
import { createHttpBlocks, defaultHttpBlocksUrl } from './mirror/http-blocks.ts'
import { RelayLive } from './live/relay-live.ts'
import { SiteDirectory } from './directory/index.ts'
import { dhtRecordSource } from './dht-record-source.ts'
import type { GuardedDatastore } from './record-store.ts'
import { ReservationLimits } from './reservation-limits.ts'
import { ConnectionLimits } from './connection-limits.ts'
import { sourceOf } from './source-subnet.ts'
import { Republisher } from './republish.ts'
import { Revoker } from './revoke.ts'

/** How often the trust files are checked for changes (SIGHUP reloads at once). */
const TRUST_FILE_POLL_MS = 5000

/** A running relay. */
export interface Relay {
  config: RelayConfig
  peerId: PeerId
  node: RelayNode
  store: GuardedDatastore
  permissions: Permissions
  republisher: Republisher
  revoker: Revoker
  mirror: Mirror
  /** The HTTP server's port (the real one when `--http-port 0`). */
  httpPort: number
  /** `http://host:port` of the HTTP server. */
  httpUrl: string
  /** The `.alt` resolver's UDP and TCP port, when `--dns-port` is set. */
  dnsPort?: number
  log: Logger
  /** The `/health` document. */
  health(): Promise<Record<string, unknown>>
  /** The `/.well-known/alternet.json` document. */
  wellKnown(): WellKnown
  /** Reads the trust files again. */
  reloadPermissions(): Promise<void>
  /** Stops everything: peers told, store flushed and closed. */
  stop(): Promise<void>
}

/** The repo's built app, when present: the default `--app-dir`. */
function defaultAppDir(): string | undefined {
  const dist = fileURLToPath(new URL('../../dist', import.meta.url))
  return existsSync(join(dist, 'index.html')) ? dist : undefined
}

/** Creates and starts a relay; throws `ConfigError` for settings it cannot run with. */
export async function createRelay(
  config: RelayConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<Relay> {
  await ensureDataDir(config.dataDir)
  const privateKey = await loadOrCreatePeerKey(config.dataDir, log)
  const { level, diskRoom, disk } = await openRelayDisk(config, log)
  const cleanup: Array<() => Promise<unknown>> = [async () => disk.close()]
  const undo = async (): Promise<void> => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined)
  }
  try {
    const metrics = createRelayMetrics()
    const { permissions, policy, store } = await openGuardedStore(
      config,
      log,
      { level, disk, diskRoom },
      metrics,
    )
    const prefixes = { v4: config.sourcePrefixV4, v6: config.sourcePrefixV6 }
    const reservationLimits = new ReservationLimits({
      maxPerSource: config.maxReservationsPerSource,
      prefixes,
      refused: (peer, source) => {
        metrics.reservationsRefused.inc()
        log.debug('reservation refused: its source holds its share', {
          peer: peer.toString(),
          source,
        })
      },
    })
    const connectionLimits = new ConnectionLimits({
      maxPerSource: config.maxConnectionsPerSource,
      maxConnections: config.maxConnections,
      prefixes,
      refused: () => metrics.connectionsRefused.inc(),
    })
    // The mirror hears of every record the guarded store accepts (set once it exists).
    let onStored: (key: string, value: Uint8Array) => void = () => undefined
    const watched = new RecordWatch(store, (key, value) => onStored(key, value))
    // Neighbours (and blocks) cut off for flooding live updates are refused (set once live exists).
    let refusesPeer: (peer: PeerId) => boolean = () => false
    let refusesSource: (source: string) => boolean = () => false
    const node = await createRelayNode({
      denyReservation: (peer) => reservationLimits.deny(peer),
      denyPeer: (peer) => refusesPeer(peer),
      denyAddress: (addr) => refusesSource(sourceOf(addr, prefixes)) || connectionLimits.deny(addr),
      config,
      privateKey,
      datastore: watched,
      registry: metrics.registry,
      validators: { an: policy.validator((reason) => metrics.rejected.inc({ reason })) },
      selectors: { an: policy.selector() },
    })
    cleanup.push(async () => node.stop())
    reservationLimits.attach(node)
    connectionLimits.attach(node)
    // The relay's records, its store's and the DHT's: for judging subdomains, and the gateway.
    // Nobody to ask while the routing table is empty (kad-dht keeps it internal).
    const table = (node.services.dht as unknown as { routingTable?: { size: number } }).routingTable
    // Each answer counts in the address block of the connection it came over (one vote per block).
    const records = dhtRecordSource(
      node.services.dht,
      store,
      () => (table?.size ?? 1) > 0,
      (peer) => connectionBlock(node.getConnections(peer)),
    )
    policy.useRootRecords(records)
    // Attribute every store write an inbound DHT stream causes to its peer and source (quotas).
    await attributeDhtWrites(node, (conn) => sourceOf(conn.remoteAddr, prefixes))

    const siteStats = new SiteStats()
    // Live updates follow the mirrored sites' topics; assigned below, once they exist.
    // eslint-disable-next-line prefer-const
    let liveMirrored: RelayLive['onMirrored'] | undefined
    // Where mirror answers send browsers for blocks over HTTP: known once the HTTP port listens.
    let httpBlocksUrl: string | undefined
    const mirror = new Mirror({
      dataDir: config.dataDir,
      policy: config.mirrorPolicy,
      maxBytes: config.mirrorMaxBytes,
      ownerQuota: config.mirrorOwnerQuota,
      replicas: config.mirrorReplicas,
      scanInterval: config.mirrorScanInterval,
      node,
      store,
      recordPolicy: policy,
      permissions,
      log,
      registry: metrics.registry,
      sourcePrefixes: prefixes,
      placementPrefixes: { v4: config.placementBlockBitsV4, v6: config.placementBlockBitsV6 },
      onServed: (site, bytes) => siteStats.served(site, bytes),
      onHeld: (site, held) => void liveMirrored?.(site, held),
      httpUrl: () => httpBlocksUrl,
    })
    await mirror.start()
    cleanup.push(() => mirror.stop())
    // The public directory of sites whose owners opted in, from the records the store accepts.
    const directory = new SiteDirectory({
      policy,
      maxEntries: config.directoryMaxEntries,
      maxPerSource: config.directoryPerSource,
      maxPerOwner: config.directoryPerOwner,
      refused: (reason, site) => log.debug('directory listing refused', { reason, site }),
    })
    // Sites' current records for the resolver and the API; a revocation drops what it remembers.
    const siteLookup = new SiteLookup({
      store,
      policy,
      node,
      timeoutMs: config.dnsLookupTimeout,
      canAsk: () => (table?.size ?? 1) > 0,
      registrars: () => permissions.registrars,
    })
    // Live updates: records and revocations pushed to neighbours as they arrive (live/).
    // Assigned once the gateway exists, below; live updates read it from then on.
    // eslint-disable-next-line prefer-const
    let gateway: Gateway | undefined
    const live = new RelayLive({
      node,
      gossip: node.services.live,
      policy,
      peekRecord: async (key) => store.peekRecord(key),
      putRecord: async (key, value) => watched.put(key, value),
      applyRevocation: async (bytes, from) => revoker.apply(bytes, from),
      sourceOf: (peer) => sourceOf(node.getConnections(peer)[0]?.remoteAddr, prefixes),
      onRecord: (site) => {
        siteLookup.forget(site)
        gateway?.forget(site)
      },
      onCutOff: (_, source) => {
        metrics.liveCutOffs.inc({ of: 'neighbour' })
        if (source !== undefined) metrics.liveCutOffs.inc({ of: 'source' })
      },
      onFollowRefused: (_, of, refused) => metrics.liveFollowsRefused.inc({ of }, refused),
      maxTopics: config.liveMaxTopics,
      maxTopicsPerPeer: config.liveTopicsPerPeer,
      maxTopicsPerSource: config.liveTopicsPerSource,
      log,
      validator: {
        onJudged: ({ verdict, reason }) => metrics.liveMessages.inc({ verdict, reason }),
      },
    })
    registerLiveGauge(
      metrics.registry,
      'alternet_relay_live_topics',
      'Live-update topics followed, for peers and for the mirror',
      () => live.topics(),
    )
    refusesPeer = (peer) => live.refuses(peer)
    refusesSource = (source) => live.refusesSource(source)
    const revoker = new Revoker(node, permissions, store, log, (bytes) => {
      metrics.revocations.inc()
      siteLookup.forget()
      void mirror.purge()
      void live.onRevoked(bytes)
      void directory.purge()
    })
    await revoker.start()
    live.start()
    cleanup.push(async () => live.stop())
    liveMirrored = (site, held) => live.onMirrored(site, held)
    for (const site of mirror.sites()) void live.onMirrored(site, true)
    onStored = (key, value) => {
      mirror.onStored(key, value)
      directory.onStored(key, value)
      void live.onStored(key, value)
    }
    const republisher = new Republisher(node, store, policy, log, config)
    republisher.start()
    cleanup.push(() => republisher.stop())
    const bootstrapper = new Bootstrapper(node, log, config)
    bootstrapper.start()
    cleanup.push(async () => bootstrapper.stop())

    let dns: RelayDns | undefined
    if (config.dnsPort !== undefined) {
      dns = await startRelayDns({ config, lookup: siteLookup, log })
      cleanup.push(() => dns!.server.close())
    }

    const relayService = node.services.relay
    registerGauges(metrics.registry, {
      reservations: () => relayService.reservations.size,
      records: () => store.stats().records,
      providers: () => store.stats().providers,
      storeBytes: () => store.stats().bytes,
      blockedRoots: () => permissions.stats().blockedRoots,
    })

    const { wellKnown, health } = relayDocuments({
      config,
      node,
      permissions,
      diskRoom,
      store,
      mirror,
      dns,
    })

    gateway = new Gateway({
      node,
      dataDir: config.dataDir,
      gatewayHost: config.gatewayHost,
      records,
      policy,
      permissions,
      registry: metrics.registry,
      log,
      clientRate: config.gatewayClientRate,
      maxRequests: config.gatewayMaxRequests,
      onServed: (site, bytes) => siteStats.served(site, bytes),
    })
    const api: RelayApi | undefined =
      config.apiTokens === undefined
        ? undefined
        : await createRelayApi({
            config,
            datastore: level,
            store,
            policy,
            permissions,
            revoker,
            mirror,
            node,
            stats: siteStats,
            lookup: siteLookup,
            log,
          })

    const appDir = config.appDir ?? defaultAppDir()
    const http: RelayHttp = await startHttp({
      host: config.host,
      port: config.httpPort,
      publicHost: config.publicHost,
      appDir,
      tls:
        config.https && config.tlsCert != null && config.tlsKey != null
          ? await readTls(config.tlsCert, config.tlsKey)
          : undefined,
      log,
      health,
      wellKnown,
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
      publicMetrics: config.publicMetrics,
      revoke: (bytes) => revoker.apply(bytes),
      revocation: (site) => permissions.revocationFor(site),
      gateway,
      api: api?.handler,
      directory: () => directory.list(),
      blocks:
        config.mirrorHttpRate > 0
          ? createHttpBlocks({
              read: (cid) => mirror.servedBlock(cid),
              rate: config.mirrorHttpRate,
              writeTimeout: config.mirrorHttpWriteTimeout,
              prefixes,
              registry: metrics.registry,
            })
          : undefined,
    })
    cleanup.push(() => http.close())
    if (config.mirrorHttpRate > 0)
      httpBlocksUrl = config.mirrorHttpUrl ?? defaultHttpBlocksUrl({ ...config, port: http.port })

    const reloadPermissions = async (): Promise<void> => {
      await permissions.reloadFiles()
      await api?.reload()
      await mirror.purge()
      await directory.purge()
    }
    const poll = setInterval(
      () =>
        void reloadPermissions().catch((err) =>
          log.warn('trust files not reloaded', { error: err }),
        ),
      TRUST_FILE_POLL_MS,
    )
    poll.unref()
    cleanup.push(async () => clearInterval(poll))

    const httpUrl = `${config.https ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${http.port}`
    log.info('relay started', {
      peerId: node.peerId.toString(),
      http: httpUrl,
      multiaddrs: node.getMultiaddrs().map(String),
      appDir,
    })
    let stopping: Promise<void> | undefined
    return {
      config,
      peerId: node.peerId,
      node,
      store,
      permissions,
      republisher,
      revoker,
      mirror,
      httpPort: http.port,
      httpUrl,
      dnsPort: dns?.server.port,
      log,
      health,
      wellKnown,
      reloadPermissions,
      stop: () => {
        stopping ??= (async () => {
          log.info('relay stopping')
          await undo()
          log.info('relay stopped')
        })()
        return stopping
      },
    }
  } catch (err) {
    await undo()
    throw err
  }
}

async function readTls(cert: string, key: string): Promise<{ cert: string; key: string }> {
  const { readFile } = await import('node:fs/promises')
  const read = async (path: string, flag: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8')
    } catch (err) {
      throw new ConfigError(
        `${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      )
    }
  }
  return { cert: await read(cert, '--tls-cert'), key: await read(key, '--tls-key') }
}
