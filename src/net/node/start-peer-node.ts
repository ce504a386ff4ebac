/**
 * `startPeerNode`: what the page's `createBrowserNode` and Node's `createNodeNode` share. The
 * node runs the peer's services (identify, ping, kad-dht, GossipSub, the relay manager and,
 * given a store, naming), its connection gater asks the relay manager which relays are down,
 * and the start resolves once a relay is connected or every first dial failed; an abort stops
 * the node. Each runtime gives only its transports, listen addresses and gater.
 * @module
 */
import type { ConnectionGater, Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import type { AlternetStorage } from '../../storage/index.ts'
import { naming, type NamingService } from '../naming/naming-service.ts'
import { peerServices, type AlternetServices } from './peer-services.ts'
import type { DevSettings } from './relay-addresses.ts'
import { relayManager, type RelayManager } from './relay-manager.ts'

/** What every peer node is made with, in the page and in Node. */
export interface PeerNodeInit {
  /** The node's identity: `storage.identity.getOrCreatePeerKey()`. */
  privateKey: PrivateKey
  /** Relay URLs (their `/.well-known/alternet.json` is read) or multiaddrs with `/p2p/`. */
  relays: string[]
  /** Development-only settings: dial private addresses and `ws://`. @default off */
  dev?: DevSettings
  /** Registrar keys of a permissioned network. @default [] (an open network) */
  trustedRegistrars?: Uint8Array[]
  /** Reservations to keep when that many relays are known. @default DEFAULT_RESERVATIONS (2) */
  reservations?: number
  /** The store naming keeps its cache, pins and own records in; without it the node runs no naming. */
  storage?: AlternetStorage
  /** Aborts the start: the node is stopped and the promise rejects. */
  signal?: AbortSignal
}

/** The services of a peer node: the peer's own, the relay manager and naming (given a store). */
export type PeerNodeServices = AlternetServices & { relays: RelayManager; naming?: NamingService }

/** What a runtime adds: how it dials and listens, and its connection gater. */
export type RuntimeOptions = Pick<
  Libp2pOptions<PeerNodeServices>,
  'addresses' | 'transports' | 'connectionEncrypters' | 'streamMuxers'
> & {
  /** The gater, given whether the relay manager refuses a dial of a peer now. */
  gater(deniesDial: (peerId: PeerId) => boolean): ConnectionGater
}

/** A started peer node, its relay manager and its naming service (when given a store). */
export interface StartedPeerNode {
  libp2p: Libp2p<PeerNodeServices>
  relays: RelayManager
  naming: NamingService | undefined
}

/** Creates and starts the node; resolves once a relay is connected or every first dial failed. */
export async function startPeerNode(
  init: PeerNodeInit,
  runtime: RuntimeOptions,
): Promise<StartedPeerNode> {
  init.signal?.throwIfAborted()
  const dev = init.dev ?? {}
  const { gater, ...dialing } = runtime
  // the gater is made before the relay manager that feeds it
  const made: { relays?: RelayManager } = {}
  const libp2p = await createLibp2p<PeerNodeServices>({
    ...dialing,
    privateKey: init.privateKey,
    connectionGater: gater((peerId) => made.relays?.deniesDial(peerId) === true),
    services: {
      ...peerServices(init.trustedRegistrars ?? [], dev),
      relays: relayManager({ relays: init.relays, dev, reservations: init.reservations }),
      // After the DHT and the relay manager, which it works through.
      ...(init.storage === undefined
        ? {}
        : {
            naming: naming({
              storage: init.storage,
              trustedRegistrars: init.trustedRegistrars,
            }),
          }),
    },
  })
  const manager = libp2p.services.relays
  made.relays = manager
  const stopOnAbort = (): void => {
    manager.stop()
    void libp2p.stop()
  }
  init.signal?.addEventListener('abort', stopOnAbort, { once: true })
  try {
    await manager.ready()
    init.signal?.throwIfAborted()
  } finally {
    init.signal?.removeEventListener('abort', stopOnAbort)
  }
  return { libp2p, relays: manager, naming: libp2p.services.naming }
}
