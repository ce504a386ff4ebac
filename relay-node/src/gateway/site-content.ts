/**
 * The bytes of a site for the gateway: from the relay's mirror store when it holds them, else
 * from the record's hosts (then the site's other mirrors) over `/an/route/1.0.0`, by the
 * relay's own libp2p node. Every block is checked against the manifest's CIDs (and the
 * manifest against the signed content root) before any byte of it is passed on.
 * @module
 */
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import {
  CHUNK_SIZE,
  decodeManifest,
  readVerified,
  type FileEntry,
  type Manifest,
} from '@alternet/core/content'
import { ManifestCache } from '@alternet/core/http'
import type { RecordHost } from '@alternet/core/records'
import {
  HostUnreachableError,
  createRouteClient,
  fetchFile,
  fetchManifest,
  type RouteClient,
} from '@alternet/net/route'
import { BlockFiles } from '../mirror/block-files.ts'
import { MIRROR_DIR } from '../mirror/constants.ts'
import { hostPeers, providersOf } from '../mirror/pull-site.ts'
import type { RelayNode } from '../node.ts'
import { GATEWAY_HOST_TIMEOUT_MS } from './constants.ts'

/** What one request reads: a site at one content root, and where its blocks may come from. */
export interface ContentRequest {
  site: string
  root: CID
  hosts: readonly RecordHost[]
  signal?: AbortSignal
  /** The peers found to ask, once asked for (hosts, or the site's other mirrors). */
  peers?: Promise<PeerId[]>
}

/** Reads sites' manifests and files, verified. */
export class SiteContent {
  private readonly node: RelayNode
  private readonly blocks: BlockFiles
  private readonly client: RouteClient
  private readonly manifests = new ManifestCache()

  constructor(node: RelayNode, dataDir: string) {
    this.node = node
    // The mirror's block files, read only: what the mirror verified and stored.
    this.blocks = new BlockFiles(join(dataDir, MIRROR_DIR, 'blocks'))
    this.client = createRouteClient(node, { responseTimeout: GATEWAY_HOST_TIMEOUT_MS })
  }

  /** The verified manifest of `req.root`. */
  async manifest(req: ContentRequest): Promise<Manifest> {
    const key = req.root.toString()
    const cached = this.manifests.get(key)
    if (cached !== undefined) return cached
    const local = await this.blocks.get(req.root)
    const manifest =
      local !== undefined
        ? await decodeManifest(local, req.root)
        : await fetchManifest(this.client, {
            root: req.root,
            peers: await this.peers(req),
            signal: req.signal,
          })
    this.manifests.set(key, manifest)
    return manifest
  }

  /** The bytes `[start, end)` of `entry`, each block verified before it is passed on. */
  async read(
    req: ContentRequest,
    entry: FileEntry,
    start: number,
    end: number,
    path?: string,
  ): Promise<ReadableStream<Uint8Array>> {
    if (await this.heldLocally(entry, start, end)) {
      return readVerified(
        entry,
        async (cid) => {
          const bytes = await this.blocks.get(cid)
          if (bytes === undefined)
            throw new HostUnreachableError(`Block ${cid} left the mirror store.`)
          return bytes
        },
        { start, end, signal: req.signal },
      )
    }
    return fetchFile(this.client, {
      entry,
      peers: await this.peers(req),
      start,
      end,
      signal: req.signal,
      ...(path === undefined ? {} : { file: { site: req.site, root: req.root, path } }),
    })
  }

  private async heldLocally(entry: FileEntry, start: number, end: number): Promise<boolean> {
    if (end === start) return true
    const first = Math.floor(start / CHUNK_SIZE)
    const last = Math.ceil(end / CHUNK_SIZE) - 1
    const sizes = await Promise.all(
      entry.chunks.slice(first, last + 1).map((c) => this.blocks.size(c)),
    )
    return sizes.every((s) => s !== undefined)
  }

  /** The record's hosts, else the relays that mirror the root; found once per request. */
  private peers(req: ContentRequest): Promise<PeerId[]> {
    req.peers ??= (async () => {
      const hosts = hostPeers(this.node, req.hosts)
      for (const { peer, addrs } of hosts)
        if (addrs.length > 0)
          await this.node.peerStore.merge(peer, { multiaddrs: addrs }).catch(() => undefined)
      if (hosts.length > 0) return hosts.map((h) => h.peer)
      // No host in the record (its publisher stopped hosting): the relays that mirror it.
      const found = await providersOf(
        this.node,
        req.root,
        req.signal ?? new AbortController().signal,
      )
      if (found.length === 0)
        throw new HostUnreachableError(`No host or mirror of ${req.site} is known.`)
      return found
    })()
    return req.peers
  }
}
