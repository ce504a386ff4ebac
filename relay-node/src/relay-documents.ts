/**
 * The two documents a relay serves about itself: `/.well-known/alternet.json` (who it is and
 * whom it trusts, for browsers joining) and `/health` (what it runs and holds, for operators).
 * @module
 */
import { toHex } from '@alternet/core/bytes'
import type { RelayConfig } from './config.ts'
import type { DiskRoom } from './disk-room.ts'
import type { RelayDns } from './dns/relay-dns.ts'
import type { WellKnown } from './http.ts'
import type { Mirror } from './mirror/index.ts'
import type { RelayNode } from './node.ts'
import type { Permissions } from './permissions.ts'
import type { GuardedDatastore } from './record-store.ts'

/** What the documents report on. */
export interface RelayDocumentsInit {
  config: RelayConfig
  node: RelayNode
  permissions: Permissions
  diskRoom: DiskRoom
  store: GuardedDatastore
  mirror: Mirror
  dns?: RelayDns
}

/** The well-known and health documents of a relay started now. */
export function relayDocuments({
  config,
  node,
  permissions,
  diskRoom,
  store,
  mirror,
  dns,
}: RelayDocumentsInit): {
  wellKnown: () => WellKnown
  health: () => Promise<Record<string, unknown>>
} {
  const transportManager = (
    node as unknown as {
      components: { transportManager: { getAddrs(): Array<{ toString(): string }> } }
    }
  ).components.transportManager
  const startedAt = Date.now()
  const wellKnown = (): WellKnown => ({
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map(String),
    trustedRegistrars: permissions.registrars.map(toHex),
    trustedRevokers: permissions.revokers.map(toHex),
  })
  const health = async (): Promise<Record<string, unknown>> => ({
    status: 'ok',
    peerId: node.peerId.toString(),
    listen: transportManager.getAddrs().map(String),
    announce: config.announce.map(String),
    multiaddrs: node.getMultiaddrs().map(String),
    connections: node.getConnections().length,
    peers: node.getPeers().length,
    knownPeers: (await node.peerStore.all()).length,
    reservations: node.services.relay.reservations.size,
    diskFull: diskRoom.isFull,
    records: store.stats().records,
    providers: store.stats().providers,
    storeBytes: store.stats().bytes,
    dhtMode: node.services.dht.getMode(),
    permissions: permissions.stats(),
    mirror: mirror.stats(),
    ...(dns !== undefined ? { dns: dns.server.stats() } : {}),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  })
  return { wellKnown, health }
}
