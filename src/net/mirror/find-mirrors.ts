/**
 * Finding the mirrors of a site for a visitor: first the relays this node is connected to
 * (a mirror reached over WebSockets or WebRTC-Direct needs no browser-to-browser dial), then,
 * when none of them holds the site, the peers the DHT names as providers of its content root.
 * Each is asked over `/an/mirror/1.0.0` and kept only when it holds that root completely. A
 * provider may be a visitor's browser that helps host the site (`visitor`), reached over a
 * direct (WebRTC) connection as a record's host is.
 * Every byte a mirror sends is still verified by the fetcher, and a mirror that lies is
 * dropped like a lying host. See docs/PROTOCOL.md, "Mirrors".
 * @module
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import {
  DEFAULT_MIRROR_LOOKUP_TIMEOUT_MS,
  MAX_MIRRORS_ASKED,
  MIRROR_PROTOCOL,
  MIRROR_STATUS_TIMEOUT_MS,
} from './constants.ts'
import { usableBlocksUrl } from './http-url.ts'
import { askMirror, type MirrorStatus } from './mirror-status.ts'
import { connectHost, type ConnectorHost } from '../fetch/connect-hosts.ts'

/** The part of a libp2p node used to find mirrors. */
export type MirrorFinderHost = Pick<
  Libp2p,
  'peerId' | 'getConnections' | 'dialProtocol' | 'peerStore' | 'contentRouting'
> &
  Partial<Pick<Libp2p, 'dial'>>

/** A mirror that holds the site, and the connection to ask it on. */
export interface MirrorConnection {
  peer: PeerId
  connection: Connection
  /** A visitor's browser that helps host the site, not a relay. */
  visitor?: boolean
  /** Where the mirror also serves the site's blocks over HTTP (`usableBlocksUrl`), if anywhere. */
  http?: string
  /** Until when the mirror says its records keep the name alive (its word, for people to read). */
  aliveUntil?: number
}

/** Options of `findMirrors`. */
export interface FindMirrorsOptions {
  signal?: AbortSignal
  /**
   * Longest look in the DHT for provider records when no connected relay holds the site.
   * @default DEFAULT_MIRROR_LOOKUP_TIMEOUT_MS
   */
  lookupTimeout?: number
  /**
   * What the connected relays answered about the site (`askConnectedMirrors`), when they were
   * asked already, before its root was known; otherwise they are asked now.
   */
  near?: Promise<NearAnswer[]>
}

/** A connected relay's answer about a site, whatever root it holds. */
export interface NearAnswer {
  peer: PeerId
  status: MirrorStatus
}

function directConnection(libp2p: MirrorFinderHost, peer: PeerId): Connection | undefined {
  return libp2p.getConnections(peer).find((c) => c.status === 'open' && c.limits == null)
}

/**
 * A direct connection to a provider found in the DHT: a browser that helps host is reached
 * over WebRTC (its `/p2p-circuit/webrtc` address), tried like a record's host.
 */
async function connectProvider(
  libp2p: MirrorFinderHost,
  peer: PeerId,
  signal?: AbortSignal,
): Promise<void> {
  if (libp2p.dial === undefined || directConnection(libp2p, peer) !== undefined) return
  const addrs = await libp2p.peerStore.get(peer).then(
    (p) => p.addresses.map((a) => a.multiaddr),
    () => [],
  )
  await connectHost(libp2p as ConnectorHost, peer, addrs, {
    signal,
    directTimeout: MIRROR_STATUS_TIMEOUT_MS,
    relayTimeout: MIRROR_STATUS_TIMEOUT_MS,
  })
}

/** The mirror `status` names, when it holds `root` completely and `peer` is directly connected. */
function holding(
  libp2p: MirrorFinderHost,
  peer: PeerId,
  status: MirrorStatus,
  root: CID,
): MirrorConnection | undefined {
  if (status.state !== 'complete' || status.root !== root.toString()) return undefined
  const connection = directConnection(libp2p, peer)
  if (connection === undefined) return undefined
  if (status.kind === 'visitor') return { peer, connection, visitor: true }
  const http = usableBlocksUrl(status.http)
  const until = status.aliveUntil
  return {
    peer,
    connection,
    ...(http === undefined ? {} : { http }),
    ...(typeof until === 'number' && Number.isFinite(until) ? { aliveUntil: until } : {}),
  }
}

/** Asks each peer; keeps those that hold `root` completely, with a direct connection. */
async function holders(
  libp2p: MirrorFinderHost,
  peers: readonly PeerId[],
  site: string,
  root: CID,
  signal?: AbortSignal,
  dial = false,
): Promise<MirrorConnection[]> {
  const answers = await Promise.all(
    peers.slice(0, MAX_MIRRORS_ASKED).map(async (peer) => {
      try {
        if (dial) await connectProvider(libp2p, peer, signal)
        const timeout = AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)
        const status = await askMirror(
          libp2p,
          peer,
          site,
          signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        )
        return holding(libp2p, peer, status, root)
      } catch {
        return undefined
      }
    }),
  )
  return answers.filter((m): m is MirrorConnection => m !== undefined)
}

/** The connected peers that speak the mirror protocol (the relays this node uses). */
async function connectedMirrors(libp2p: MirrorFinderHost): Promise<PeerId[]> {
  const seen = new Map<string, PeerId>()
  for (const connection of libp2p.getConnections()) {
    if (connection.status !== 'open' || connection.limits != null) continue
    const peer = connection.remotePeer
    if (seen.has(peer.toString())) continue
    const info = await libp2p.peerStore.get(peer).catch(() => undefined)
    if (info?.protocols.includes(MIRROR_PROTOCOL) === true) seen.set(peer.toString(), peer)
  }
  return [...seen.values()]
}

/**
 * What each connected relay (at most `MAX_MIRRORS_ASKED`) holds of `site`, asked at once: this
 * needs no root, so it can run while the name resolves. Relays that do not answer are left out;
 * never throws. `onAsking` hears of each relay as it is asked.
 */
export async function askConnectedMirrors(
  libp2p: MirrorFinderHost,
  site: string,
  signal?: AbortSignal,
  onAsking?: (peer: PeerId) => void,
): Promise<NearAnswer[]> {
  const peers = (await connectedMirrors(libp2p)).slice(0, MAX_MIRRORS_ASKED)
  const answers = await Promise.all(
    peers.map(async (peer): Promise<NearAnswer | undefined> => {
      onAsking?.(peer)
      const timeout = AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)
      try {
        const status = await askMirror(
          libp2p,
          peer,
          site,
          signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        )
        return { peer, status }
      } catch {
        return undefined
      }
    }),
  )
  return answers.filter((a): a is NearAnswer => a !== undefined)
}

/** Peers the DHT names as providers of `root`, within the lookup timeout. */
async function providers(
  libp2p: MirrorFinderHost,
  root: CID,
  options: FindMirrorsOptions,
): Promise<PeerId[]> {
  const timeout = AbortSignal.timeout(options.lookupTimeout ?? DEFAULT_MIRROR_LOOKUP_TIMEOUT_MS)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
  const found = new Map<string, PeerId>()
  try {
    for await (const p of libp2p.contentRouting.findProviders(root, { signal })) {
      if (p.id.equals(libp2p.peerId)) continue
      if (p.multiaddrs.length > 0)
        await libp2p.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => undefined)
      found.set(p.id.toString(), p.id)
      if (found.size >= MAX_MIRRORS_ASKED) break
    }
  } catch {
    // Timed out, or no peer provides it: what was found so far.
  }
  return [...found.values()]
}

/**
 * The mirrors that hold `root` of `site` completely, connected relays first; an empty list
 * when there is none. Never throws but for the signal's reason.
 */
export async function findMirrors(
  libp2p: MirrorFinderHost,
  site: string,
  root: CID,
  options: FindMirrorsOptions = {},
): Promise<MirrorConnection[]> {
  const answers = await (options.near ?? askConnectedMirrors(libp2p, site, options.signal))
  options.signal?.throwIfAborted()
  const near = answers
    .map(({ peer, status }) => holding(libp2p, peer, status, root))
    .filter((m): m is MirrorConnection => m !== undefined)
  if (near.length > 0) return near
  const known = new Set(near.map((m) => m.peer.toString()))
  const far = (await providers(libp2p, root, options)).filter((p) => !known.has(p.toString()))
  options.signal?.throwIfAborted()
  return holders(libp2p, far, site, root, options.signal, true)
}
