/**
 * A publisher for relay specs: a Node peer (kad-dht client, TCP) that hosts a site from a block
 * store in memory over `/an/route/1.0.0` and puts its signed record into the relays' DHT, as
 * a browser tab does; and a visitor that fetches files, verified, from chosen peers.
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import type { Manifest } from '../../../src/core/content/index.ts'
import { generateKeyPair, type Ed25519KeyPair } from '../../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey, type RecordFields } from '../../../src/core/records/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  type PublishedSiteResult,
  type SiteHost,
} from '../../../src/net/hosting/index.ts'
import {
  createRouteClient,
  fetchFile,
  fetchManifest,
  type RouteClient,
} from '../../../src/net/route/index.ts'
import { askMirror, type MirrorStatus } from '../../../relay-node/src/mirror/index.ts'
import { MemorySites, MemoryStore, bytesOf } from '../../net/hosting-support.ts'
import { createClient, dhtPut, waitForRoutingTable, type Client } from './client.ts'

/** A publishing peer. */
export interface SitePublisher {
  node: Client
  store: MemoryStore
  host: SiteHost
  owner: Ed25519KeyPair
  /** Publishes (or republishes) `site` with `files`; the record is put into the DHT. */
  publish(
    site: string,
    files: Record<string, Uint8Array>,
    record?: Partial<RecordFields>,
  ): Promise<PublishedSiteResult>
  stop(): Promise<void>
}

/**
 * Starts a publisher connected to `relays` (TCP multiaddrs). `put` chooses where its records go
 * (resolving to how many servers took one). @default a DHT put
 */
export async function startPublisher(
  relays: string[],
  owner = generateKeyPair(),
  put?: (key: Uint8Array, bytes: Uint8Array) => Promise<number>,
): Promise<SitePublisher> {
  const node = await createClient({ relays, listen: true })
  await waitForRoutingTable(node, relays.length)
  const store = new MemoryStore()
  const host = createSiteHost({ store })
  await host.start(node)
  const sites = new MemorySites()
  return {
    node,
    store,
    host,
    owner,
    publish: (site, files, record = {}) =>
      publishSite(
        {
          store,
          host,
          sites,
          hostEntry: () => hostEntry(node),
          publish: async (fields) => {
            const signed = await createRecord({ ...fields, ...record }, owner)
            const key = await dhtKey(signed.body.name)
            const accepted = await (put ?? ((k, b) => dhtPut(node, k, b)))(key, signed.bytes)
            return { record: signed, accepted }
          },
        },
        {
          site,
          worker: false,
          files: Object.entries(files).map(([path, content]) => ({ path, content })),
        },
      ),
    stop: async () => {
      if (node.status === 'stopped') return
      await host.stop()
      await node.stop()
    },
  }
}

/** A visitor: a fresh Node peer that fetches verified files from the peers it is told. */
export interface Visitor {
  node: Client
  client: RouteClient
  manifest(root: CID, peers: PeerId[]): Promise<Manifest>
  /** Every byte of `path`, verified chunk by chunk; `dropped` collects the peers that lied. */
  file(
    site: string,
    root: CID,
    path: string,
    peers: PeerId[],
    dropped?: string[],
  ): Promise<Uint8Array>
  /** Connects to a relay by its TCP address (the visitor then reaches it by peer ID). */
  connect(relay: { peerId: string; tcp: string }): Promise<PeerId>
  /** What `relay` holds of `site`, over `/an/mirror/1.0.0`. */
  status(relay: { peerId: string; tcp: string }, site: string): Promise<MirrorStatus>
  stop(): Promise<void>
}

/** Starts a visitor connected to `relays`. */
export async function startVisitor(relays: string[]): Promise<Visitor> {
  const node = await createClient({ relays })
  const client = createRouteClient(node)
  const connect = async (relay: { peerId: string; tcp: string }): Promise<PeerId> => {
    const peer = peerIdFromString(relay.peerId)
    if (node.getConnections(peer).length === 0)
      await node.dial(multiaddr(relay.tcp), { signal: AbortSignal.timeout(10_000) })
    return peer
  }
  const manifest = (root: CID, peers: PeerId[]): Promise<Manifest> =>
    fetchManifest(client, { root, peers, signal: AbortSignal.timeout(30_000) })
  return {
    node,
    client,
    manifest,
    async file(site, root, path, peers, dropped = []) {
      const entry = (await manifest(root, peers)).files[path]
      if (entry === undefined) throw new Error(`${path} is not in the manifest`)
      return bytesOf(
        fetchFile(client, {
          entry,
          peers,
          file: { site, root, path },
          signal: AbortSignal.timeout(60_000),
          onHostDropped: (peer) => dropped.push(String(peer)),
        }),
      )
    },
    connect,
    async status(relay, site) {
      return askMirror(node, await connect(relay), site)
    },
    stop: async () => {
      await node.stop()
    },
  }
}

/**
 * Waits until `relay` holds `site` completely (at `root`, when given); fails after `ms` naming
 * the last answer (a refusal's reason and words, or how far the copy got).
 */
export async function waitMirrored(
  visitor: Visitor,
  relay: { peerId: string; tcp: string },
  site: string,
  root?: CID,
  ms = 120_000,
): Promise<void> {
  let last: unknown = 'no answer'
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    try {
      const s = await visitor.status(relay, site)
      last = s
      if (s.state === 'complete' && (root === undefined || s.root === root.toString())) return
    } catch (err) {
      last = String(err)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${site} not mirrored on ${relay.peerId}: last answer ${JSON.stringify(last)}`)
}
