/**
 * `AlternetPeer`: one object for the rest of the app (and later a Node gateway) to publish,
 * host, resolve and fetch, with `status` and `progress` events. `createAlternetPeer` builds it
 * in the page (storage in IndexedDB, the browser node, the naming service); `startPeer`
 * assembles it from parts in any runtime.
 *
 * Events (all `CustomEvent`s):
 * - `status` (`PeerStatus`): relays, peers, reachability, addresses or the slow path changed;
 * - `slow-path` (`{ site, peer }`): a site's content comes through a relay's limited circuit
 *   because no direct connection to its host could be made (tell the user it is slow);
 * - `progress` (`PublishProgress`): a publication moved on;
 * - `host-dropped` (`{ site, peer, error }`): a host sent wrong bytes or failed during a fetch;
 * - `visit-served` (`{ site }`): a browser (not a relay) began reading a site from this node.
 * @module
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import { RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import type { RecordHost, SignedRecord } from '../core/records/index.ts'
import type { HostedSite } from '../storage/index.ts'
import type {
  PeerNaming,
  PeerParts,
  PeerRelays,
  PeerStatus,
  PeerStorage,
  SlowPath,
} from './peer-parts.ts'
import type { CID } from 'multiformats/cid'
import {
  DEFAULT_KEEP_ALIVE_HORIZON_MS,
  DEFAULT_MIRROR_WAIT_MS,
  findMirrors,
  keepSiteAlive,
  pushToRelays,
  siteSources,
  type SiteSources,
  waitForMirrors,
  type KeepSiteAliveContext,
  type WaitForMirrorsOptions,
} from './mirror/index.ts'
import {
  createSiteFetcher,
  type AnRequestInit,
  type ResolvedSite,
  type SiteFetcher,
} from './fetch/index.ts'
import {
  createSiteHost,
  hostEntry,
  publishSite,
  stopHosting,
  type PublishSiteInit,
  type PublishedSiteResult,
  type SiteHost,
  type StopHostingOptions,
  type StopHostingResult,
} from './hosting/index.ts'
import { createHelpHost, type HelpHost } from './hosting/help-host.ts'
import { VisitMemory } from './hosting/visit-memory.ts'
import { connectionBlock } from '../core/contracts/index.ts'
import { parseAddress } from '../core/names/index.ts'

/** How long publishing waits for this node to be reachable (a `/webrtc` or circuit address) before it signs the record. */
export const REACHABLE_WAIT_MS = 10_000

/** A running Alternet peer. */
export class AlternetPeer<
  L extends Libp2p = Libp2p,
  S extends PeerStorage = PeerStorage,
  N extends PeerNaming = PeerNaming,
> extends EventTarget {
  readonly libp2p: L
  readonly storage: S
  readonly naming: N
  readonly relays: PeerRelays | undefined
  readonly peerId: PeerId
  private readonly host: SiteHost
  /** The visitors counted lately, by address block. */
  private readonly visits = new VisitMemory()
  private readonly hostEntry: (libp2p: L) => RecordHost
  private readonly mirrorWait: number
  private readonly keepAliveSettings: PeerParts<L, S, N>['keepAlive']
  private readonly fetcher: SiteFetcher
  /** Helping host what this person visits (see `setHelpHosting`). */
  protected readonly helper: HelpHost
  private readonly slow = new Map<string, SlowPath>()
  private readonly cleanups: (() => void)[] = []
  /** When each host or mirror last answered, for "last seen". */
  private readonly seen = new Map<string, number>()
  private stopped = false

  /** Use `startPeer` or `createAlternetPeer`. */
  constructor(parts: PeerParts<L, S, N>) {
    super()
    this.libp2p = parts.libp2p
    this.storage = parts.storage
    this.naming = parts.naming
    this.relays = parts.relays
    this.peerId = parts.libp2p.peerId
    this.hostEntry = parts.hostEntry ?? hostEntry
    this.mirrorWait = parts.mirrorWait ?? DEFAULT_MIRROR_WAIT_MS
    this.keepAliveSettings = parts.keepAlive
    this.helper = createHelpHost({
      libp2p: parts.libp2p,
      store: parts.storage.blocks,
      root: async (site, signal) =>
        (await this.naming.resolve(site, { signal })).record.body.content,
      fetchFile: (site, path, signal) => this.readWhole(site, path, signal),
      flush: () => this.fetcher.flush(),
      onChange: () => {
        this.host.refresh()
        this.emitStatus()
      },
    })
    this.host = createSiteHost({
      ...parts.host,
      store: parts.storage.blocks,
      helper: this.helper,
      onVisit: ({ site, peer }) => void this.noteVisit(site, peer),
    })
    this.fetcher = createSiteFetcher({
      ...parts.fetch,
      libp2p: parts.libp2p,
      store: parts.storage.blocks,
      resolve: (site, options) => this.naming.resolve(site, options),
      onSlowPath: ({ site, peer }) => {
        const slow = { site, peer: peer.toString() }
        this.slow.set(`${site} ${slow.peer}`, slow)
        this.dispatchEvent(new CustomEvent('slow-path', { detail: slow }))
        this.emitStatus()
      },
      onHostDropped: (detail) => this.dispatchEvent(new CustomEvent('host-dropped', { detail })),
    })
  }

  /** Starts hosting and the status events. */
  async start(republish = true): Promise<void> {
    await this.host.start(this.libp2p)
    const onChange = (): void => this.emitStatus()
    for (const type of ['connection:open', 'connection:close', 'self:peer:update'] as const) {
      this.libp2p.addEventListener(type, onChange)
      this.cleanups.push(() => this.libp2p.removeEventListener(type, onChange))
    }
    if (this.relays !== undefined) {
      const relays = this.relays
      relays.addEventListener('status', onChange)
      this.cleanups.push(() => relays.removeEventListener('status', onChange))
    }
    const naming = this.naming as Partial<EventTarget>
    if (naming.addEventListener !== undefined && naming.removeEventListener !== undefined) {
      const onRepublished = (event: Event): void => {
        const { site, record } = (event as CustomEvent<{ site: string; record: SignedRecord }>)
          .detail
        void this.keepAliveAgain(site, record).catch(() => undefined)
      }
      naming.addEventListener('republished', onRepublished)
      this.cleanups.push(() => naming.removeEventListener!('republished', onRepublished))
    }
    if (republish) this.naming.startRepublishing?.()
  }

  /**
   * After a republish (its `seq` above every pre-signed record, which the mirrors then drop),
   * hands the mirrors that hold the site fresh pre-signed records up to the horizon chosen.
   */
  private async keepAliveAgain(site: string, record: SignedRecord): Promise<void> {
    const content = record.body.content
    if (content === undefined || this.mirrorWait <= 0) return
    const stored = await this.storage.sites.getPublishedSite(site)
    const mirrors = await findMirrors(this.libp2p, site, content)
    if (mirrors.length === 0) return
    await keepSiteAlive(
      this.keepAliveContext(),
      record,
      mirrors.map((m) => m.peer.toString()),
      stored?.keepAlive?.horizon ?? DEFAULT_KEEP_ALIVE_HORIZON_MS,
    )
  }

  /** Resolves a site name to its record (the naming service's `resolve`). */
  resolve(
    site: string,
    options?: { signal?: AbortSignal; fresh?: boolean },
  ): Promise<ResolvedSite> {
    return this.naming.resolve(site, options)
  }

  /**
   * Publishes a site from files: hashed in a worker, stored, hosted from here, its record
   * signed with this node as host and put into the DHT. `progress` events follow it too.
   */
  async publishSite(init: PublishSiteInit): Promise<PublishedSiteResult> {
    return publishSite(
      {
        store: this.storage.blocks,
        host: this.host,
        publish: (fields, options) => this.naming.publish(fields, options),
        hostEntry: async () => {
          await this.waitReachable(init.signal)
          return this.hostEntry(this.libp2p)
        },
        sites: this.storage.sites,
        ...(this.mirrorWait > 0
          ? {
              mirrors: (site: string, root: CID, options: Omit<WaitForMirrorsOptions, 'timeout'>) =>
                waitForMirrors(this.libp2p, site, root, { ...options, timeout: this.mirrorWait }),
              upload: (
                record: SignedRecord,
                options: { signal?: AbortSignal; onProgress(bytes: number): void },
              ) =>
                pushToRelays(
                  this.libp2p,
                  record,
                  (cid) => this.storage.blocks.getBlock(cid),
                  options,
                ),
              keepAlive: (
                record: SignedRecord,
                mirrors: readonly string[],
                horizon: number | undefined,
                signal?: AbortSignal,
              ) =>
                keepSiteAlive(
                  this.keepAliveContext(),
                  record,
                  mirrors,
                  horizon ?? DEFAULT_KEEP_ALIVE_HORIZON_MS,
                  signal,
                ),
            }
          : {}),
      },
      {
        ...init,
        onProgress: (progress) => {
          init.onProgress?.(progress)
          this.dispatchEvent(new CustomEvent('progress', { detail: progress }))
        },
      },
    )
  }

  /**
   * Stops serving `site` from this device: first its record is published again (seq + 1)
   * without this node among its hosts (other hosts kept; none left, the record keeps the name
   * and content root with no host), then the site is marked as not hosted here and its blocks
   * no other site uses are deleted. Throws `StopHostingError` when the record could not be
   * updated; nothing is deleted then and the site is still hosted.
   */
  stopHosting(site: string, options?: StopHostingOptions): Promise<StopHostingResult> {
    return stopHosting(
      {
        host: this.host,
        publish: (fields, opts) => this.naming.publish(fields, opts),
        resolve: (name, opts) => this.naming.resolve(name, opts),
        self: this.peerId.toMultihash().bytes,
        sites: this.storage.sites,
      },
      site,
      options,
    )
  }

  /**
   * Who can serve `site` now: the mirrors holding its current content and its hosts (each
   * tried, bounded), named for a person, with when each was last seen. Resolves the name first
   * (the resolver's errors).
   */
  async siteSources(site: string, options: { signal?: AbortSignal } = {}): Promise<SiteSources> {
    const { record } = await this.naming.resolve(site, options)
    return siteSources(
      {
        libp2p: this.libp2p,
        relays: () => this.relays?.status().relays ?? [],
        seen: this.seen,
      },
      record,
      options,
    )
  }

  /** The sites this node serves. */
  hostedSites(): Promise<HostedSite[]> {
    return this.host.sites()
  }

  /**
   * `fetch` for `an://` URLs: a streaming, verified `Response`. Failures are responses with an
   * error status and `x-an-error` (see `ERROR_STATUS`); it rejects only when aborted.
   */
  async fetch(url: string, init?: AnRequestInit): Promise<Response> {
    const response = await this.fetcher.fetch(url, init)
    if (this.helper.enabled && response.status < 400) {
      const site = siteOf(url)
      if (site !== undefined) void this.helper.visited(site)
    }
    return response
  }

  /**
   * Help host what this person visits (off by default): serve the verified blocks of every
   * visited site this device holds completely, fetching what is missing of each first, and be
   * found as one of its sources (see `createHelpHost`). Off, none of them is served.
   */
  setHelpHosting(on: boolean): Promise<void> {
    return this.helper.setEnabled(on)
  }

  /** Whether this peer helps host what it visits, and the sites it serves so. */
  helpHosting(): { enabled: boolean; sites: string[] } {
    return { enabled: this.helper.enabled, sites: this.helper.sites().map((s) => s.site) }
  }

  /** A site's whole file read through the verifying fetcher, so that its blocks are kept. */
  private async readWhole(site: string, path: string, signal?: AbortSignal): Promise<void> {
    const encoded = path
      .split('/')
      .map((part) => encodeURIComponent(part))
      .join('/')
    const url = `an://${site}${encoded.startsWith('/') ? '' : '/'}${encoded}`
    const response = await this.fetcher.fetch(url, signal === undefined ? {} : { signal })
    if (response.body === null) return
    const reader = response.body.getReader()
    for (;;) if ((await reader.read()).done) break
  }

  /** Resolves when the blocks fetched so far are kept in the store. */
  flush(): Promise<void> {
    return this.fetcher.flush()
  }

  /** Relays, peers, reachability, addresses, slow paths and requests being served. */
  status(): PeerStatus {
    const relays = this.relays?.status()
    for (const [key, slow] of this.slow) {
      const open = this.libp2p
        .getConnections()
        .filter((c) => c.remotePeer.toString() === slow.peer && c.status === 'open')
      // Slow while every open connection to the host is limited.
      if (open.length === 0 || open.some((c) => c.limits == null)) this.slow.delete(key)
    }
    const addresses = relays?.addresses ?? this.libp2p.getMultiaddrs().map((a) => a.toString())
    return {
      peerId: this.peerId.toString(),
      relays: relays?.relays ?? [],
      peers:
        relays?.peers ??
        new Set(this.libp2p.getConnections().map((c) => c.remotePeer.toString())).size,
      reachable: relays?.reachable ?? addresses.length > 0,
      addresses,
      slowPath: [...this.slow.values()],
      serving: this.host.server.active,
    }
  }

  /** Stops hosting, republishing, the relays and the node; waits for fetched blocks to be kept. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    await this.helper.stop()
    await this.naming.stop?.()
    await this.host.stop()
    await this.fetcher.flush()
    this.relays?.stop()
    await this.libp2p.stop()
  }

  /** What `keepSiteAlive` works with: this node, the owner key, the store, the relays' names. */
  private keepAliveContext(): KeepSiteAliveContext {
    const sign = this.naming.sign?.bind(this.naming)
    return {
      ...this.keepAliveSettings,
      libp2p: this.libp2p,
      ...(sign === undefined ? {} : { sign }),
      sites: this.storage.sites,
      relays: () => this.relays?.status().relays ?? [],
      now: () => Date.now(),
    }
  }

  /**
   * A visit served, unless a relay asked (a mirror taking a copy is not a visit) or this visitor
   * was counted for the site within `VISIT_REPEAT_MS`.
   */
  private async noteVisit(site: string, peer: PeerId): Promise<void> {
    const known = await this.libp2p.peerStore.get(peer).catch(() => undefined)
    if (known?.protocols.includes(RELAY_V2_HOP_CODEC) === true) return
    const block = connectionBlock(this.libp2p.getConnections(peer))
    if (!this.visits.visit(site, peer.toString(), block)) return
    this.dispatchEvent(new CustomEvent('visit-served', { detail: { site } }))
  }

  private emitStatus(): void {
    if (this.stopped) return
    this.dispatchEvent(new CustomEvent('status', { detail: this.status() }))
  }

  /** Waits (bounded) until the relay manager reports this node reachable. */
  private async waitReachable(signal?: AbortSignal): Promise<void> {
    const relays = this.relays
    if (relays?.waitFor === undefined || relays.status().reachable) return
    const timeout = AbortSignal.timeout(REACHABLE_WAIT_MS)
    await relays
      .waitFor((s) => s.reachable, {
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      })
      .catch(() => signal?.throwIfAborted())
  }
}

/** The site of an `an://` URL, or undefined when it is not one. */
function siteOf(url: string): string | undefined {
  try {
    return parseAddress(url).site
  } catch {
    return undefined
  }
}

/**
 * Assembles a peer from parts and starts hosting; runs in any runtime (a Node gateway passes
 * its own libp2p node, store and naming service).
 */
export async function startPeer<L extends Libp2p, S extends PeerStorage, N extends PeerNaming>(
  parts: PeerParts<L, S, N>,
): Promise<AlternetPeer<L, S, N>> {
  const peer = new AlternetPeer(parts)
  await peer.start(parts.republish ?? true)
  return peer
}
