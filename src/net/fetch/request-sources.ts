/**
 * Where one request's blocks come from: the record's hosts dialled and the site's mirrors asked,
 * started once per request and only when a block must come from peers. A manifest or a small
 * file takes the first direct sources to answer (`firstTargets`); a larger file waits a short
 * grace for the others to join (`targets`), so its chunks spread over every source, except
 * beside mirrors that serve blocks over HTTP, which carry it at the network's pace alone.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { AnAddress } from '../../core/names/index.ts'
import type { RecordHost } from '../../core/records/index.ts'
import { findMirrors, type MirrorFinderHost, type NearMirrors } from '../mirror/index.ts'
import { HostUnreachableError, type RouteClient } from '../route/index.ts'
import {
  connectHosts,
  type ConnectHostsOptions,
  type ConnectorHost,
  type HostConnection,
} from './connect-hosts.ts'
import { DEFAULT_CONNECT_GRACE_TIME } from './constants.ts'
import type { FirstChunk } from './first-chunk.ts'

/** One request of a site, as its sources and body see it. */
export interface FetchContext {
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
  /** The page's first chunk, asked for beside its manifest (first-chunk.ts). */
  firstChunk?: FirstChunk
  /** The first request of a site not answered lately: its stages are marked (timing-marks.ts). */
  firstOfVisit?: boolean
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

/** What the sources of a request are found with. */
export interface RequestSourcesInit {
  libp2p: ConnectorHost
  /** How hosts are dialled. */
  connect?: Omit<ConnectHostsOptions, 'signal'>
  /** The mirror finder, and what the connected relays said lately; no mirrors when undefined. */
  mirrors?: { finder: MirrorFinderHost; near: NearMirrors }
  /** Content of `site` comes from `peer` through a relay's limited circuit. */
  onSlowPath?(event: { site: string; peer: PeerId }): void
  /** `peer` sent wrong bytes or failed, and is not asked again in this fetch. */
  onHostDropped?(event: { site: string; peer: PeerId; error: unknown }): void
}

/** The sources of requests. */
export interface RequestSources {
  /**
   * Starts dialling the request's hosts and asking its mirrors now, before any block is known to
   * be missing (a name just looked up on the network: its site is new to this device).
   */
  start(ctx: FetchContext): void
  /** Every source found, the slower ones given a grace to join. */
  targets(ctx: FetchContext): Promise<HostConnection[]>
  /** The first direct sources to answer; as `targets` when none connects directly. */
  firstTargets(ctx: FetchContext): Promise<HostConnection[]>
  /** Reports a source of `peers` the route client dropped. */
  dropped(
    ctx: FetchContext,
    peers: readonly HostConnection[],
  ): (target: unknown, error: unknown) => void
}

/** The sources of requests, found as `init` says. */
export function createRequestSources(init: RequestSourcesInit): RequestSources {
  /**
   * Mirrors and hosts to take blocks from, found once per request and only when a block must
   * come from them: mirrors first (the fast path), the hosts that connect directly beside them.
   */
  function targets(ctx: FetchContext): Promise<HostConnection[]> {
    ctx.targets ??= sources(ctx).then((found) => {
      for (const host of found)
        if (host.limited) init.onSlowPath?.({ site: ctx.address.site, peer: host.peer })
      return found
    })
    return ctx.targets
  }

  /** Starts dialling the hosts and asking the mirrors, once per request. */
  function lookFor(ctx: FetchContext): Looking {
    if (ctx.looking !== undefined) return ctx.looking
    const looking: Looking = {
      hosts: connectHosts(init.libp2p, ctx.hosts, { ...init.connect, signal: ctx.signal }).then(
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
        init.mirrors === undefined
          ? Promise.resolve([])
          : findMirrors(init.mirrors.finder, ctx.address.site, ctx.root, {
              signal: ctx.signal,
              // Asked for an earlier request of the site, unless none answered.
              near: init.mirrors.near.ask(ctx.address.site, ctx.signal),
            }).then(
              // A relay's requests take the route streams opened on it while the name resolved.
              (found) =>
                found.map((m) => ({
                  ...m,
                  connection: init.mirrors!.near.streams.wrap(m.connection),
                  limited: false,
                })),
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
  async function firstTargets(ctx: FetchContext): Promise<HostConnection[]> {
    const { hosts, mirrors } = lookFor(ctx)
    const direct = (list: Promise<HostConnection[]>): Promise<HostConnection[]> =>
      list.then((found) => found.filter((h) => !h.limited))
    const first = await firstNonEmpty([direct(mirrors), direct(hosts)])
    ctx.signal?.throwIfAborted()
    return first.length > 0 ? first : targets(ctx)
  }

  async function sources(ctx: FetchContext): Promise<HostConnection[]> {
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
      // The hosts get a moment to join; a relayed (slow) host is left out beside mirrors. Mirrors
      // that serve blocks over HTTP carry a file at the network's pace by themselves: only hosts
      // connected by now join them, none is waited for.
      const http = first.mirrors.some((m) => m.http !== undefined)
      const wait = http ? Promise.resolve(undefined) : grace()
      const joined = (await Promise.race([hosts, wait])) ?? []
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

  function dropped(
    ctx: FetchContext,
    peers: readonly HostConnection[],
  ): (target: unknown, error: unknown) => void {
    return (target, error) => {
      const host = peers.find((p) => p.connection === target)
      if (host !== undefined)
        init.onHostDropped?.({ site: ctx.address.site, peer: host.peer, error })
    }
  }

  return { start: (ctx) => void lookFor(ctx), targets, firstTargets, dropped }
}
