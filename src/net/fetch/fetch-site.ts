/**
 * `fetch` for `an://` URLs: resolve the name, get the verified manifest (memory, the store, or
 * the record's hosts), look the path up, and answer like an HTTP server would (301 for a
 * folder, 404 with the site's 404 page, Range and 206/416, HEAD, ETag and 304), with a
 * streamed body whose every block is verified before any byte of it is passed on. Blocks come
 * from the store when it holds them, otherwise from the hosts (direct connections first, the
 * relayed path as a fallback reported as slow); those fetched are kept for a revisit. An
 * answer made with no network at all (a cached record, no DHT server to ask, only kept blocks)
 * is marked `x-an-offline-copy: <when the record was received>`.
 * See docs/PROTOCOL.md, "Fetching an an:// URL".
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import {
  InvalidPathError,
  RAW_CODEC,
  chunksInRange,
  decodeManifest,
  normalizeRequestPath,
  type FileEntry,
  type Manifest,
} from '../../core/content/index.ts'
import {
  ALLOWED_METHODS,
  ManifestCache,
  NOT_FOUND_PAGE_TYPE,
  OFFLINE_COPY_HEADER,
  fileReply,
  matchPath,
  notFoundPage,
  notFoundReply,
  redirectReply,
} from '../../core/http/index.ts'
import { parseAddress, type AnAddress } from '../../core/names/index.ts'
import type { RecordHost, SignedRecord } from '../../core/records/index.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import {
  createRouteClient,
  fetchFile,
  HostUnreachableError,
  fetchManifest,
  type RouteClient,
  type RouteClientHost,
  type RouteClientInit,
} from '../route/index.ts'
import { createBlockKeeper, type BlockKeeper } from './block-keeper.ts'
import type { KeepBlocks } from './keep-off-thread.ts'
import { readKeptFile } from './kept-file.ts'
import {
  connectHosts,
  type ConnectHostsOptions,
  type ConnectorHost,
  type HostConnection,
} from './connect-hosts.ts'
import { DEFAULT_CONNECT_GRACE_TIME, FIRST_SOURCES_MAX_CHUNKS } from './constants.ts'
import { errorResponse } from './error-response.ts'
import { BlockGoneError, MethodNotAllowedError, NoContentError } from './errors.ts'
import { NearMirrors, findMirrors, type MirrorFinderHost } from '../mirror/index.ts'

/** What name resolution gives the fetcher: the record that answers for the site. */
export interface ResolvedSite {
  record: SignedRecord
  /** Whether the record came from the local cache rather than from a lookup made now. */
  fromCache?: boolean
  /** When the record was last received from the network, ms since the epoch. */
  receivedAt?: number
  /**
   * The resolver's word that it answered from the cache with no DHT server to ask (no network):
   * an answer made from kept blocks alone is then marked as an offline copy.
   */
  offline?: boolean
}

/** Events of fetching. */
export interface FetchEvents {
  /** Content of `site` comes from `peer` through a relay's limited circuit: slow, tell the user. */
  onSlowPath?(event: { site: string; peer: PeerId }): void
  /** `peer` sent wrong bytes or failed, and is not asked again in this fetch. */
  onHostDropped?(event: { site: string; peer: PeerId; error: unknown }): void
}

/** Options of `createSiteFetcher`. */
export interface SiteFetcherInit extends FetchEvents {
  libp2p: ConnectorHost & RouteClientHost & Partial<MirrorFinderHost>
  /**
   * Take blocks from the site's mirrors (relays that keep verified copies) as well as from its
   * hosts: the connected relays first, then providers of the content root in the DHT.
   * @default true
   */
  mirrors?: boolean
  /** Name resolution (the naming service's `resolve`): follows CNAMEs, validates, caches. */
  resolve(site: string, options: { signal?: AbortSignal }): Promise<ResolvedSite>
  /** Where manifests and blocks are looked for first, and where visited sites' blocks are kept. */
  store?: ContentStore
  /**
   * Keep the verified blocks fetched from peers in `store` (only for the sites visited, only
   * their current content).
   * @default true
   */
  keepVisited?: boolean
  /**
   * Writes a batch of kept blocks (verified already) as used by a site.
   * @default `store.putBlocks(site, blocks, { verified: true })` on this thread
   */
  keepBlocks?: KeepBlocks
  /** Route client options (timeouts). */
  client?: Omit<RouteClientInit, 'runOnLimitedConnection'>
  /** How hosts are dialled. */
  connect?: Omit<ConnectHostsOptions, 'signal'>
}

/** The request part `fetch` understands. */
export interface AnRequestInit {
  /** `GET` or `HEAD`. @default 'GET' */
  method?: string
  /** `Range` and `If-None-Match` are honoured. */
  headers?: HeadersInit
  /** Aborts the fetch: the promise rejects (or the body errors) with the signal's reason. */
  signal?: AbortSignal
}

/** The fetcher. */
export interface SiteFetcher {
  /** A streaming `Response` for an `an://` URL (see the module doc); rejects only when aborted. */
  fetch(url: string, init?: AnRequestInit): Promise<Response>
  /** Resolves when every fetched block waiting to be kept is in the store. */
  flush(): Promise<void>
}

interface Context {
  address: AnAddress
  root: CID
  hosts: readonly RecordHost[]
  signal?: AbortSignal
  client: RouteClient
  targets?: Promise<HostConnection[]>
  /** The look for sources, started once per request. */
  looking?: Looking
  /** The host connections this request used, for the caller to judge after a failure. */
  used: HostConnection[]
}

/** The hosts being dialled and the mirrors being asked for one request. */
interface Looking {
  hosts: Promise<HostConnection[]>
  mirrors: Promise<HostConnection[]>
  hostError?: unknown
}

/** The first of `lists` to resolve non-empty; empty once all resolved empty. */
function firstNonEmpty<T>(lists: Promise<T[]>[]): Promise<T[]> {
  return new Promise((resolve) => {
    let left = lists.length
    for (const list of lists)
      void list.then((found) => {
        left--
        if (found.length > 0 || left === 0) resolve(found)
      })
  })
}

/** Failures that may come from a dead connection rather than from the host's answer. */
function isHostFailure(error: unknown): boolean {
  const name = error instanceof Error ? error.name : ''
  return name === 'HostUnreachableError' || name === 'RequestTimeoutError'
}

/** Creates `fetch` for `an://` URLs on a libp2p node. */
export function createSiteFetcher(init: SiteFetcherInit): SiteFetcher {
  const { libp2p, store } = init
  // Only connections chosen by connectHosts are used, and a limited one only when nothing else
  // reaches the host: streams may then run on it.
  const base = createRouteClient(libp2p, { ...init.client, runOnLimitedConnection: true })
  const keeper: BlockKeeper | undefined =
    store !== undefined && init.keepVisited !== false
      ? createBlockKeeper(store, init.keepBlocks)
      : undefined
  const manifests = new ManifestCache()
  const finder = libp2p as MirrorFinderHost
  // What the connected relays hold of a site is asked once for the site's requests of a while
  // (a page and its style sheets, scripts and images), not once per request.
  const near =
    init.mirrors === false || finder.peerStore === undefined || finder.contentRouting === undefined
      ? undefined
      : new NearMirrors(finder)

  /**
   * Keeps a manifest (verified) on this thread before it is used, not behind the keeper's
   * writer (a worker that may still be starting): the visit's next request finds it on the
   * device instead of asking a host for it again. Best effort, like the keeper.
   */
  async function keepManifest(site: string, cid: CID, bytes: Uint8Array): Promise<void> {
    await store?.putBlocks(site, [{ cid, bytes }], { verified: true }).catch(() => {})
  }

  /** A client that answers from the store first and keeps what peers send. */
  function siteClient(site: string): RouteClient {
    const getBlock: RouteClient['getBlock'] = async (target, cid, options) => {
      const local = await store?.getBlock(cid)
      if (local !== undefined) return local
      const bytes = await base.getBlock(target, cid, options)
      if (cid.code === RAW_CODEC) keeper?.keep(site, cid, bytes)
      else if (keeper !== undefined) await keepManifest(site, cid, bytes)
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
   * Mirrors and hosts to take blocks from, found once per request and only when a block must
   * come from them: mirrors first (the fast path), the hosts that connect directly beside them.
   */
  function targets(ctx: Context): Promise<HostConnection[]> {
    ctx.targets ??= sources(ctx).then((found) => {
      for (const host of found)
        if (host.limited) init.onSlowPath?.({ site: ctx.address.site, peer: host.peer })
      return found
    })
    return ctx.targets
  }

  /** Starts dialling the hosts and asking the mirrors, once per request. */
  function lookFor(ctx: Context): Looking {
    if (ctx.looking !== undefined) return ctx.looking
    const looking: Looking = {
      hosts: connectHosts(libp2p, ctx.hosts, { ...init.connect, signal: ctx.signal }).then(
        (found) => {
          ctx.used.push(...found)
          return found
        },
        (error: unknown) => {
          looking.hostError = error
          return [] as HostConnection[]
        },
      ),
      mirrors:
        near === undefined
          ? Promise.resolve([])
          : findMirrors(finder, ctx.address.site, ctx.root, {
              signal: ctx.signal,
              // Asked for an earlier request of the site, unless none answered.
              near: near.ask(ctx.address.site, ctx.signal),
            }).then(
              (found) => found.map((m) => ({ ...m, limited: false })),
              () => [],
            ),
    }
    ctx.looking = looking
    return looking
  }

  /**
   * For a manifest (one block): the first mirrors or direct hosts to answer, with no grace for
   * the others (the wait is the visitor's, before any byte of the site); when none connects
   * directly, as {@link targets}.
   */
  async function firstTargets(ctx: Context): Promise<HostConnection[]> {
    const { hosts, mirrors } = lookFor(ctx)
    const direct = (list: Promise<HostConnection[]>): Promise<HostConnection[]> =>
      list.then((found) => found.filter((h) => !h.limited))
    const first = await firstNonEmpty([direct(mirrors), direct(hosts)])
    ctx.signal?.throwIfAborted()
    return first.length > 0 ? first : targets(ctx)
  }

  async function sources(ctx: Context): Promise<HostConnection[]> {
    const looking = lookFor(ctx)
    const { hosts, mirrors } = looking
    const grace = (): Promise<undefined> =>
      new Promise((resolve) =>
        setTimeout(resolve, init.connect?.graceTime ?? DEFAULT_CONNECT_GRACE_TIME),
      )
    const first = await Promise.race([
      mirrors.then((m) => ({ mirrors: m })),
      hosts.then((h) => ({ hosts: h })),
    ])
    let found: HostConnection[]
    if ('mirrors' in first && first.mirrors.length > 0) {
      // The hosts get a moment to join; a relayed (slow) host is left out beside mirrors.
      const joined = (await Promise.race([hosts, grace()])) ?? []
      found = [...first.mirrors, ...joined.filter((h) => !h.limited)]
    } else if ('hosts' in first && first.hosts.length > 0 && !first.hosts.some((h) => h.limited)) {
      const joined = (await Promise.race([mirrors, grace()])) ?? []
      found = [...joined, ...first.hosts]
    } else {
      const [m, h] = await Promise.all([mirrors, hosts])
      found = m.length > 0 ? [...m, ...h.filter((x) => !x.limited)] : h
    }
    ctx.signal?.throwIfAborted()
    if (found.length === 0)
      throw (
        looking.hostError ??
        new HostUnreachableError('No host or mirror of the site could be reached.')
      )
    return found
  }

  async function manifestOf(ctx: Context): Promise<Manifest> {
    const key = ctx.root.toString()
    const cached = manifests.get(key)
    // A manifest in memory answers only while its block is still kept: after the person clears
    // visited sites, the next visit must store it again, or the site would not open offline.
    if (
      cached !== undefined &&
      (keeper === undefined || (await store?.hasBlock(ctx.root)) === true)
    )
      return cached
    manifests.delete(key)
    const local = await store?.getBlock(ctx.root)
    let manifest: Manifest
    if (local !== undefined) {
      manifest = await decodeManifest(local, ctx.root)
    } else {
      await keeper?.visit(ctx.address.site, ctx.root)
      const ask = (peers: HostConnection[]): Promise<Manifest> =>
        fetchManifest(ctx.client, {
          root: ctx.root,
          peers: peers.map((p) => p.connection),
          signal: ctx.signal,
          onHostDropped: dropped(ctx, peers),
        })
      const first = await firstTargets(ctx)
      try {
        manifest = await ask(first)
      } catch (error) {
        // The first sources failed (or lied): every source found, after the grace, is asked.
        ctx.signal?.throwIfAborted()
        const all = await targets(ctx)
        if (all.every((p) => first.includes(p))) throw error
        manifest = await ask(all)
      }
    }
    manifests.set(key, manifest)
    return manifest
  }

  function dropped(
    ctx: Context,
    peers: readonly HostConnection[],
  ): (target: unknown, error: unknown) => void {
    return (target, error) => {
      const host = peers.find((p) => p.connection === target)
      if (host !== undefined)
        init.onHostDropped?.({ site: ctx.address.site, peer: host.peer, error })
    }
  }

  /** True when the store holds every chunk of `entry` in `[start, end)`. */
  async function heldLocally(entry: FileEntry, start: number, end: number): Promise<boolean> {
    if (store === undefined) return false
    return store.hasBlocks(chunksInRange(entry, start, end))
  }

  async function body(
    ctx: Context,
    entry: FileEntry,
    start: number,
    end: number,
    path: string | undefined,
    sourcesOf: (ctx: Context) => Promise<HostConnection[]>,
  ): Promise<ReadableStream<Uint8Array>> {
    if (await heldLocally(entry, start, end)) {
      const local = store as ContentStore
      const gone = (cid: CID): Error =>
        new BlockGoneError(`Block ${cid} left the store while it was read.`)
      // Kept blocks were verified when kept: not hashed again (kept-file.ts).
      return readKeptFile(entry, (cids) => local.readBlocks(cids), {
        start,
        end,
        signal: ctx.signal,
        missing: gone,
      })
    }
    const peers = await sourcesOf(ctx)
    return fetchFile(ctx.client, {
      entry,
      peers: peers.map((p) => p.connection),
      start,
      end,
      signal: ctx.signal,
      onHostDropped: dropped(ctx, peers),
      // With its path, chunks come several to a stream, by ranged requests for the file.
      ...(path === undefined ? {} : { file: { site: ctx.address.site, root: ctx.root, path } }),
      onChunk: (cid, bytes) => keeper?.keep(ctx.address.site, cid, bytes),
    })
  }

  /** The body with its first part already read, so that a failure there becomes an error status. */
  async function primed(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
    const reader = stream.getReader()
    const first = await reader.read()
    return new ReadableStream<Uint8Array>(
      {
        start(controller) {
          if (first.done) controller.close()
          else controller.enqueue(first.value)
        },
        async pull(controller) {
          const next = await reader.read()
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    )
  }

  /** The core's answer for a file, as a `Response` whose body is read (verified) from its sources. */
  async function fileResponse(
    ctx: Context,
    entry: FileEntry,
    status: 200 | 404,
    method: string,
    headers: Headers,
    path?: string,
  ): Promise<Response> {
    const head = await fileReply(
      entry,
      { method, ifNoneMatch: headers.get('if-none-match'), range: headers.get('range') },
      { status, root: ctx.root.toString(), headers: { 'cache-control': 'no-cache' } },
    )
    if (head.bytes === undefined)
      return new Response(null, { status: head.status, headers: head.headers })
    const { start, end } = head.bytes
    // One chunk (a page, a style sheet, a script) needs one source: the first to answer, with
    // no grace for the others (the grace spreads a larger file's chunks over more sources).
    const small = chunksInRange(entry, start, end).length <= FIRST_SOURCES_MAX_CHUNKS
    let stream: ReadableStream<Uint8Array>
    try {
      stream = await primed(
        await body(ctx, entry, start, end, path, small ? firstTargets : targets),
      )
    } catch (error) {
      ctx.signal?.throwIfAborted()
      if (!small || ctx.looking === undefined) throw error
      // The first sources failed (or lied): every source found, after the grace, is asked.
      const first = await firstTargets(ctx)
      const all = await targets(ctx)
      if (all.every((p) => first.includes(p))) throw error
      stream = await primed(await body(ctx, entry, start, end, path, targets))
    }
    return new Response(stream, { status: head.status, headers: head.headers })
  }

  async function answer(
    url: string,
    requestInit: AnRequestInit,
    used: HostConnection[],
  ): Promise<Response> {
    const method = (requestInit.method ?? 'GET').toUpperCase()
    if (method !== 'GET' && method !== 'HEAD') {
      return errorResponse(new MethodNotAllowedError(`${method} is not served; use GET or HEAD.`), {
        allow: ALLOWED_METHODS,
      })
    }
    const headers = new Headers(requestInit.headers)
    const address = parseAddress(url)
    let path: string
    try {
      path = normalizeRequestPath(address.path)
    } catch (error) {
      if (error instanceof InvalidPathError) return errorResponse(error)
      throw error
    }
    const resolved = await init.resolve(address.site, { signal: requestInit.signal })
    const { record } = resolved
    const root = record.body.content
    if (root === undefined)
      throw new NoContentError(`The record of ${address.site} points to no content.`)
    const ctx: Context = {
      address,
      root,
      hosts: record.body.hosts ?? [],
      signal: requestInit.signal,
      client: siteClient(address.site),
      used,
    }
    const response = await answerFrom(ctx, path, method, headers)
    // Made with no network: the resolver answered from the cache with no DHT server to ask again,
    // and no host was dialled (every byte from kept, verified blocks). Say so, and as of when.
    const { offline, receivedAt } = resolved
    if (offline === true && receivedAt !== undefined && ctx.looking === undefined)
      response.headers.set(OFFLINE_COPY_HEADER, new Date(receivedAt).toISOString())
    return response
  }

  async function answerFrom(
    ctx: Context,
    path: string,
    method: string,
    headers: Headers,
  ): Promise<Response> {
    const { address, root } = ctx
    const manifest = await manifestOf(ctx)
    const match = matchPath(manifest, path)
    if ('missing' in match) {
      const head = notFoundReply(root.toString())
      return new Response(notFoundPage(address.site, address.path), {
        status: head.status,
        headers: { 'content-type': NOT_FOUND_PAGE_TYPE, ...head.headers },
      })
    }
    if ('redirect' in match) {
      const location = `an://${address.site}${match.redirect}${address.query}`
      return new Response(null, redirectReply(location, root.toString()))
    }
    // Chunks of the file asked for come several to a stream, by ranged requests for its path.
    const filePath = match.status === 200 ? path : undefined
    return await fileResponse(ctx, match.file, match.status, method, headers, filePath)
  }

  return {
    async fetch(url, requestInit = {}) {
      for (let attempt = 0; ; attempt++) {
        const used: HostConnection[] = []
        try {
          return await answer(url, requestInit, used)
        } catch (error) {
          if (requestInit.signal?.aborted === true) throw requestInit.signal.reason
          // A connection that was open before may be half-open (one side believes it is up):
          // close those the failure went through and try once more on fresh ones.
          const stale = used.filter((h) => h.reused === true)
          if (attempt === 0 && stale.length > 0 && isHostFailure(error)) {
            for (const host of stale)
              host.connection.abort(new Error('No answer on this connection; dialling again.'))
            continue
          }
          return errorResponse(error)
        }
      }
    },
    flush: () => keeper?.flush() ?? Promise.resolve(),
  }
}
