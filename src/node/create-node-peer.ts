/**
 * `createNodePeer`: the Alternet peer in Node ≥ 22: the runtime-neutral `AlternetPeer` of
 * `src/net/peer.ts` (resolve, verified fetch, publish, host, republish, mirrors) over the Node
 * store of a data directory and the Node libp2p node. The page's `createAlternetPeer` with two
 * parts swapped, nothing else.
 * @module
 */
import { startPeer, type AlternetPeer } from '../net/peer.ts'
import { selfHostEntry, type NamingService } from '../net/naming/index.ts'
import type { AlternetLibp2p, DevSettings } from '../net/node/index.ts'
import type { SiteHostInit } from '../net/hosting/index.ts'
import { peerLive } from '../net/live/peer-live.ts'
import { createNodeNode } from './create-node-node.ts'
import { openNodeStorage, type NodeStorage } from './storage/index.ts'

/** What `createNodePeer` needs. */
export interface NodePeerInit {
  /** The data directory (keys, records, blocks). */
  dataDir: string
  /** Relay URLs (a relay's app URL, as people add relays in the app) or multiaddrs. */
  relays: string[]
  /** More listen addresses (TCP, WebSockets, WebRTC-Direct). @default [] */
  listen?: string[]
  /** Loopback and private addresses, plain `ws://`. @default off */
  dev?: DevSettings
  /** Registrar keys of a permissioned network. @default [] */
  trustedRegistrars?: Uint8Array[]
  /** Encrypt the owner key at rest with this passphrase. @default none (file mode 0600) */
  keyPassphrase?: string
  /** Republish own records (every 24 h, and when addresses change). @default true */
  republish?: boolean
  /** How long publishing waits for mirrors, in ms (0: not at all). @default the peer's */
  mirrorWait?: number
  /** Route server limits. */
  host?: Omit<SiteHostInit, 'store'>
  /** Aborts the start. */
  signal?: AbortSignal
}

/** The peer of a Node process. */
export type NodePeer = AlternetPeer<AlternetLibp2p, NodeStorage, NamingService>

/**
 * Starts a Node peer. `stop()` it, then `storage.closed()` to release the data directory.
 * @example
 * ```ts
 * const peer = await createNodePeer({ dataDir, relays: ['https://relay.example.org'] })
 * const res = await peer.fetch('an://mysite:code/index.html')
 * ```
 */
export async function createNodePeer(init: NodePeerInit): Promise<NodePeer> {
  const storage = await openNodeStorage({ dir: init.dataDir, keyPassphrase: init.keyPassphrase })
  try {
    const trustedRegistrars = init.trustedRegistrars ?? []
    // Naming runs as the node's service, over its DHT and its relays.
    const { libp2p, relays, naming } = await createNodeNode({
      privateKey: await storage.identity.getOrCreatePeerKey(),
      relays: init.relays,
      listen: init.listen,
      dev: init.dev,
      trustedRegistrars,
      storage,
      signal: init.signal,
    })
    try {
      // Live updates of own sites: another device's newer version is adopted, not signed over.
      await peerLive({ libp2p, storage, naming, relays, trustedRegistrars })
      return await startPeer({
        libp2p,
        storage,
        naming,
        relays,
        host: init.host,
        hostEntry: selfHostEntry,
        republish: init.republish ?? true,
        ...(init.mirrorWait === undefined ? {} : { mirrorWait: init.mirrorWait }),
      })
    } catch (error) {
      relays.stop()
      await libp2p.stop()
      throw error
    }
  } catch (error) {
    await storage.closed()
    throw error
  }
}
