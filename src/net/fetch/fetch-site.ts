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
import { InvalidPathError, normalizeRequestPath } from '../../core/content/index.ts'
import {
  ALLOWED_METHODS,
  NOT_FOUND_PAGE_TYPE,
  OFFLINE_COPY_HEADER,
  matchPath,
  notFoundPage,
  notFoundReply,
  redirectReply,
} from '../../core/http/index.ts'
import { equals } from '../../core/bytes.ts'
import { parseAddress } from '../../core/names/index.ts'
import type { SignedRecord } from '../../core/records/index.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import { createRouteClient, type RouteClientHost, type RouteClientInit } from '../route/index.ts'
import { createBlockKeeper, type BlockKeeper } from './block-keeper.ts'
import type { KeepBlocks } from './keep-off-thread.ts'
import {
  type ConnectHostsOptions,
  type ConnectorHost,
  type HostConnection,
} from './connect-hosts.ts'
import { errorResponse } from './error-response.ts'
import { MethodNotAllowedError, NoContentError } from './errors.ts'
import { createFileResponder } from './file-response.ts'
import { createReadAhead } from './read-ahead.ts'
import { createRequestSources, type FetchContext } from './request-sources.ts'
import { createSiteManifests } from './site-manifests.ts'
import { NearMirrors, type MirrorFinderHost } from '../mirror/index.ts'
import { TIMING_MARKS, timingMark } from '../../origins/shared/timing-marks.ts'

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
  const finder = libp2p as MirrorFinderHost
  // What the connected relays hold of a site is asked once for the site's requests of a while
  // (a page and its style sheets, scripts and images), not once per request.
  const near =
    init.mirrors === false || finder.peerStore === undefined || finder.contentRouting === undefined
      ? undefined
      : new NearMirrors(finder)
  const sources = createRequestSources({
    libp2p,
    connect: init.connect,
    mirrors: near === undefined ? undefined : { finder, near },
    onSlowPath: init.onSlowPath,
    onHostDropped: init.onHostDropped,
  })
  const fileResponse = createFileResponder({ store, keeper, sources })
  const { manifestOf, siteClient, readLately, written } = createSiteManifests({
    base,
    store,
    keeper,
    sources,
  })

  const ahead = createReadAhead(readLately)

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
    // A site not answered lately: what the connected relays hold of it is asked while its name
    // resolves (the question needs no root), not after.
    const firstOfVisit = !readLately.has(address.site)
    if (near !== undefined && firstOfVisit) void near.ask(address.site)
    const contextOf = (record: SignedRecord, signal: AbortSignal | undefined): FetchContext => {
      const root = record.body.content
      if (root === undefined)
        throw new NoContentError(`The record of ${address.site} points to no content.`)
      return {
        address,
        root,
        hosts: record.body.hosts ?? [],
        signal,
        client: siteClient(address.site),
        used,
        firstOfVisit,
      }
    }
    const resolving = init.resolve(address.site, { signal: requestInit.signal })
    let ctx: FetchContext | undefined
    const early = firstOfVisit
      ? undefined
      : ahead.start(
          address,
          async (record, signal) =>
            answerFrom((ctx = contextOf(record, signal)), path, method, headers),
          requestInit.signal,
        )
    let resolved: ResolvedSite
    try {
      resolved = await resolving
    } catch (error) {
      early?.giveUp()
      throw error
    }
    if (firstOfVisit) timingMark(TIMING_MARKS.nameResolved)
    const { record } = resolved
    ahead.remember(address.site, record)
    let response: Response
    if (early !== undefined && equals(early.record.bytes, record.bytes)) {
      response = await early.response
    } else {
      early?.giveUp()
      ctx = contextOf(record, requestInit.signal)
      // A name just looked up on the network is a site new to this device (or changed): its
      // hosts are dialled and its mirrors asked while the device's store is read, not after.
      if (firstOfVisit && resolved.fromCache === false) sources.start(ctx)
      response = await answerFrom(ctx, path, method, headers)
    }
    // Made with no network: the resolver answered from the cache with no DHT server to ask again,
    // and no host was dialled (every byte from kept, verified blocks). Say so, and as of when.
    const { offline, receivedAt } = resolved
    if (offline === true && receivedAt !== undefined && ctx?.looking === undefined)
      response.headers.set(OFFLINE_COPY_HEADER, new Date(receivedAt).toISOString())
    return response
  }

  async function answerFrom(
    ctx: FetchContext,
    path: string,
    method: string,
    headers: Headers,
  ): Promise<Response> {
    const { address, root } = ctx
    const plain = method === 'GET' && !headers.has('range') && !headers.has('if-none-match')
    const manifest = await manifestOf(ctx, plain ? path : undefined)
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
    flush: async () => {
      await written()
      await keeper?.flush()
    },
  }
}
