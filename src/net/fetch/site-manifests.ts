/**
 * A site's manifest for a request: from memory while its block is still kept, else from the
 * store, else from the first sources to answer (`request-sources.ts`), with the page's first
 * chunk asked for beside it (`first-chunk.ts`). A manifest fetched is kept on the device
 * without holding the answer. Part of `fetch-site.ts`.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { RAW_CODEC, decodeManifest, type Manifest } from '../../core/content/index.ts'
import { DEFAULT_MANIFEST_CACHE_SIZE, ManifestCache } from '../../core/http/index.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import { fetchManifest, type RouteClient } from '../route/index.ts'
import type { BlockKeeper } from './block-keeper.ts'
import type { HostConnection } from './connect-hosts.ts'
import { askFirstChunk } from './first-chunk.ts'
import type { FetchContext, RequestSources } from './request-sources.ts'
import { TIMING_MARKS, timingMark } from '../../origins/shared/timing-marks.ts'

/** What the manifests of requests come from. */
export interface SiteManifestsInit {
  /** The route client every source is asked with. */
  base: RouteClient
  store?: ContentStore
  keeper?: BlockKeeper
  sources: RequestSources
}

/** The manifests of requests, and the clients that keep what peers send. */
export interface SiteManifests {
  /**
   * The manifest of the request's root. `page`: the path of a page asked for with a plain `GET`,
   * whose first chunk is asked for beside the manifest when the manifest must come from peers.
   */
  manifestOf(ctx: FetchContext, page?: string): Promise<Manifest>
  /** A client that keeps what peers send; with `local`, it answers from the store first. */
  siteClient(site: string, local?: boolean): RouteClient
  /** Sites whose manifest was read lately, the oldest first (as many as manifests kept). */
  readLately: ReadonlySet<string>
  /** Resolves when every manifest being written is in the store. */
  written(): Promise<void>
}

/** The manifests of requests, from `init`'s store and sources. */
export function createSiteManifests(init: SiteManifestsInit): SiteManifests {
  const { base, store, keeper } = init
  const { targets, firstTargets, dropped } = init.sources
  const manifests = new ManifestCache()
  const readLately = new Set<string>()

  /** Manifests being written to the device, by root: the answer does not wait for them. */
  const writing = new Map<string, Promise<void>>()
  /** The keeper's look at a site's new root (`BlockKeeper.visit`), by site, while under way. */
  const visiting = new Map<string, Promise<void>>()

  /** The keeper's look at `site`'s `root`, remembered while under way. */
  function visit(site: string, root: CID): Promise<void> {
    const look = keeper?.visit(site, root) ?? Promise.resolve()
    const done = look
      .catch(() => {})
      .finally(() => {
        if (visiting.get(site) === done) visiting.delete(site)
      })
    visiting.set(site, done)
    return look
  }

  /**
   * Keeps a manifest (verified) on this thread, not behind the keeper's writer (a worker that
   * may still be starting), and without holding the answer: the write runs behind it, and until
   * it lands the manifest in memory counts as kept, so the visit's next request does not ask a
   * host for it again. Best effort, like the keeper.
   */
  function keepManifest(site: string, cid: CID, bytes: Uint8Array): void {
    const key = cid.toString()
    // After the keeper's look at the site's earlier root, which may drop what it kept.
    const write = (visiting.get(site) ?? Promise.resolve())
      .then(() => store?.putBlocks(site, [{ cid, bytes }], { verified: true }))
      .catch(() => {})
      .finally(() => {
        if (writing.get(key) === write) writing.delete(key)
      })
    writing.set(key, write)
  }

  /** A client that keeps what peers send; with `local`, it answers from the store first. */
  function siteClient(site: string, local = true): RouteClient {
    const getBlock: RouteClient['getBlock'] = async (target, cid, options) => {
      const kept = local ? await store?.getBlock(cid) : undefined
      if (kept !== undefined) return kept
      const bytes = await base.getBlock(target, cid, options)
      if (cid.code === RAW_CODEC) keeper?.keep(site, cid, bytes)
      else if (keeper !== undefined) keepManifest(site, cid, bytes)
      return bytes
    }
    return {
      request: base.request,
      getBlock,
      getManifest: async (target, root, options) =>
        decodeManifest(await getBlock(target, root, options), root),
    }
  }

  /**
   * The manifest of the request's root. `page`: the path of a page asked for with a plain `GET`,
   * whose first chunk is asked for beside the manifest when the manifest must come from peers.
   */
  async function manifestOf(ctx: FetchContext, page?: string): Promise<Manifest> {
    const key = ctx.root.toString()
    const cached = manifests.get(key)
    // A manifest in memory answers only while its block is still kept: after the person clears
    // visited sites, the next visit must store it again, or the site would not open offline.
    if (
      cached !== undefined &&
      (keeper === undefined || writing.has(key) || (await store?.hasBlock(ctx.root)) === true)
    )
      return cached
    manifests.delete(key)
    const local = await store?.getBlock(ctx.root)
    let manifest: Manifest
    if (local !== undefined) {
      manifest = await decodeManifest(local, ctx.root)
    } else {
      // The store was just asked for the manifest: the client asks peers only.
      const client = siteClient(ctx.address.site, false)
      const ask = (peers: HostConnection[]): Promise<Manifest> =>
        fetchManifest(client, {
          root: ctx.root,
          peers: peers.map((p) => p.connection),
          signal: ctx.signal,
          onHostDropped: dropped(ctx, peers),
        })
      // Dropping an earlier root's kept blocks runs while the sources are found and the manifest
      // is fetched, before any block of this root is kept (the manifest's write waits for it).
      const visited = visit(ctx.address.site, ctx.root)
      // Its failure is the request's, once the manifest came (not an unhandled rejection before).
      visited.catch(() => {})
      const first = await firstTargets(ctx)
      if (ctx.firstOfVisit === true) timingMark(TIMING_MARKS.firstSources)
      if (page !== undefined && first.length > 0)
        ctx.firstChunk = askFirstChunk(base, first[0].connection, {
          site: ctx.address.site,
          root: ctx.root,
          path: page,
          signal: ctx.signal,
        })
      try {
        manifest = await ask(first)
      } catch (error) {
        // The first sources failed (or lied): every source found, after the grace, is asked.
        ctx.signal?.throwIfAborted()
        const all = await targets(ctx)
        if (all.every((p) => first.includes(p))) throw error
        manifest = await ask(all)
      }
      await visited
    }
    if (ctx.firstOfVisit === true) timingMark(TIMING_MARKS.manifestVerified)
    manifests.set(key, manifest)
    readLately.delete(ctx.address.site)
    readLately.add(ctx.address.site)
    if (readLately.size > DEFAULT_MANIFEST_CACHE_SIZE)
      readLately.delete(readLately.values().next().value as string)
    return manifest
  }

  return {
    manifestOf,
    siteClient,
    readLately,
    written: async () => {
      await Promise.all(writing.values())
    },
  }
}
