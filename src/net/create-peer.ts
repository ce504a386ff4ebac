/**
 * `createAlternetPeer`: the peer of a browser page, from its keys in IndexedDB, its libp2p node
 * connected to the relays, and its naming service.
 * @module
 */
import type { Libp2p } from '@libp2p/interface'
import { openAlternetStorage, type AlternetStorage } from '../storage/index.ts'
import type { BrowserPeer } from './browser-peer.ts'
import type { DevSettings } from './node/index.ts'
import type { SiteHostInit } from './hosting/index.ts'
import type { PeerNaming, PeerParts, PeerStorage } from './peer-parts.ts'
import { keepOffThread } from './fetch/keep-off-thread.ts'

/** What `createAlternetPeer` needs. */
export interface AlternetPeerInit {
  /** The store; by default `openAlternetStorage({ name: storageName })`. */
  storage?: AlternetStorage
  /** Name of the IndexedDB database when `storage` is not given. @default 'alternet' */
  storageName?: string
  /** Relay URLs (their `/.well-known/alternet.json` is read) or multiaddrs with `/p2p/`. */
  relays: string[]
  /** Development-only settings: private addresses and `ws://`. Off by default. */
  dev?: DevSettings
  /** Registrar keys of a permissioned network. @default [] */
  trustedRegistrars?: Uint8Array[]
  /** WebRTC settings for browser-to-browser connections. */
  rtcConfiguration?: RTCConfiguration
  /**
   * Route server limits, and `serveVisitedBlocks`: also answer block requests for the blocks kept
   * from visited sites (mirror what this person looks at). Off by default: only hosted sites'
   * blocks are served.
   */
  host?: Omit<SiteHostInit, 'store'>
  /** Fetch settings. */
  fetch?: PeerParts<Libp2p, PeerStorage, PeerNaming>['fetch']
  /** Aborts the start. */
  signal?: AbortSignal
}

/**
 * Starts the browser peer: its keys from IndexedDB, the libp2p node connected to `relays`, the
 * naming service (republishing own records), hosting of the sites it stores.
 * @example
 * ```ts
 * const peer = await createAlternetPeer({ relays: [location.origin] })
 * peer.addEventListener('status', (e) => render((e as CustomEvent<PeerStatus>).detail))
 * await peer.publishSite({ site: 'mysite:code', files: input.files })
 * const res = await peer.fetch('an://othersite:code/docs/', { headers: { range: 'bytes=0-99' } })
 * ```
 */
export async function createAlternetPeer(init: AlternetPeerInit): Promise<BrowserPeer> {
  // Loaded here so that importing this module (`index.ts` exports it) loads no browser transport.
  const [{ createBrowserNode, loadNoiseCrypto }, { selfHostEntry }, { BrowserPeer: Peer }] =
    await Promise.all([
      import('./node/index.ts'),
      import('./naming/index.ts'),
      import('./browser-peer.ts'),
    ])
  const storage = init.storage ?? openAlternetStorage({ name: init.storageName })
  // The node's cipher loads while its key is read (the node then takes the same one).
  const [privateKey] = await Promise.all([storage.identity.getOrCreatePeerKey(), loadNoiseCrypto()])
  // Naming runs as the node's service, over its DHT and its relays (revocation look-ups, the
  // registrars and revokers they trust).
  const { libp2p, relays, naming } = await createBrowserNode({
    privateKey,
    relays: init.relays,
    dev: init.dev,
    trustedRegistrars: init.trustedRegistrars,
    rtcConfiguration: init.rtcConfiguration,
    storage,
    signal: init.signal,
  })
  try {
    const peer = new Peer({
      libp2p,
      storage,
      naming,
      relays,
      host: init.host,
      // Blocks kept from visits are written from a worker, off the thread that reads the fetch,
      // when the peer opened the page's own database (a given store may be another one).
      fetch:
        init.storage === undefined
          ? {
              keepBlocks: keepOffThread(storage.name, (site, blocks) =>
                storage.blocks.putBlocks(site, blocks, { verified: true }),
              ),
              ...init.fetch,
            }
          : init.fetch,
      hostEntry: selfHostEntry,
      ownsStorage: init.storage === undefined,
    })
    await peer.start()
    return peer
  } catch (error) {
    relays.stop()
    await libp2p.stop()
    throw error
  }
}
