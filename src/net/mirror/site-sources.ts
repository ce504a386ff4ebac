/**
 * Who can serve a site now, for the person to see before (or while) it opens: the mirrors that
 * hold its current content completely (asked over `/an/mirror/1.0.0`), and its hosts, each
 * tried with a bounded dial, and visitors' browsers that help host it (found as mirrors are).
 * Each source is named for a person ("Mirror at relay 127.0.0.1:4001", "The owner's browser",
 * "A visitor's browser", "This device"), its peer ID only as a short secondary detail, with
 * when it was last seen answering.
 * @module
 */
import { peerIdFromMultihash } from '@libp2p/peer-id'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import type { SignedRecord } from '../../core/records/index.ts'
import { findMirrors, type MirrorFinderHost } from './find-mirrors.ts'
import { connectHost, type ConnectorHost } from '../fetch/connect-hosts.ts'
import { mirrorName, type KnownRelay } from './mirror-names.ts'

/** The end of a peer ID, as a secondary detail. */
export function shortPeerId(peer: PeerId): string {
  return `…${peer.toString().slice(-6)}`
}

/** Longest each dial of a host is tried (directly twice, then relayed) before it counts as not reachable now. */
export const HOST_PROBE_TIMEOUT_MS = 5_000

/** One place a site can come from. */
export interface SiteSource {
  /** A relay's mirror, a host the record names, or a visitor's browser that helps host it. */
  kind: 'mirror' | 'host' | 'visitor'
  /**
   * For a person: "Mirror at relay 127.0.0.1:4001", "The owner's browser", "A visitor's
   * browser", or "This device".
   */
  name: string
  /** The end of its peer ID (`…x7Kq2a`), a secondary detail to tell sources apart. */
  shortId: string
  /** Whether it answered just now. */
  reachable: boolean
  /** When it last answered (this session), ms since the epoch. */
  lastSeen?: number
}

/** Who can serve a site now. */
export interface SiteSources {
  sources: SiteSource[]
  /** Whether at least one source can serve it now. */
  canServe: boolean
  /**
   * Until when the mirrors say they keep the name alive without its owner (the latest of their
   * answers, ms since the epoch), when one of them holds it and that time is still ahead.
   */
  mirroredUntil?: number
}

/** What the look works with. */
export interface SiteSourcesContext {
  libp2p: MirrorFinderHost & Pick<Libp2p, 'dial'>
  relays(): readonly KnownRelay[]
  /** When each source (peer ID) last answered; updated here. */
  seen: Map<string, number>
}

function hostPeer(id: Uint8Array): PeerId | undefined {
  try {
    return peerIdFromMultihash(Digest.decode(id))
  } catch {
    return undefined
  }
}

async function probeHost(
  context: SiteSourcesContext,
  peer: PeerId,
  addrs: readonly Uint8Array[],
  signal?: AbortSignal,
): Promise<boolean> {
  const parsed: Multiaddr[] = []
  for (const bytes of addrs) {
    try {
      parsed.push(multiaddr(bytes))
    } catch {
      // An address this build cannot read.
    }
  }
  // Tried as the fetcher tries a host: a direct dial twice (a WebRTC dial sometimes stalls),
  // then the relayed path, which also serves the site (slowly).
  try {
    await connectHost(context.libp2p as ConnectorHost, peer, parsed, {
      signal,
      directTimeout: HOST_PROBE_TIMEOUT_MS,
      relayTimeout: HOST_PROBE_TIMEOUT_MS,
    })
    return true
  } catch {
    signal?.throwIfAborted()
    return false
  }
}

/** Who can serve `record`'s site now; never throws but for the signal's reason. */
export async function siteSources(
  context: SiteSourcesContext,
  record: SignedRecord,
  options: { signal?: AbortSignal } = {},
): Promise<SiteSources> {
  const { libp2p, seen } = context
  const site = record.body.name
  const root = record.body.content
  const now = (): number => Date.now()
  const [mirrors, hosts] = await Promise.all([
    root === undefined
      ? Promise.resolve([])
      : findMirrors(libp2p, site, root, { signal: options.signal }).catch(() => []),
    Promise.all(
      (record.body.hosts ?? []).map(async (host): Promise<SiteSource | undefined> => {
        const peer = hostPeer(host.id)
        if (peer === undefined) return undefined
        const shortId = shortPeerId(peer)
        if (peer.equals(libp2p.peerId))
          return { kind: 'host', name: 'This device', shortId, reachable: true, lastSeen: now() }
        const reachable = await probeHost(context, peer, host.addrs, options.signal)
        if (reachable) seen.set(peer.toString(), now())
        const lastSeen = seen.get(peer.toString())
        return {
          kind: 'host',
          name: 'The owner’s browser',
          shortId,
          reachable,
          ...(lastSeen === undefined ? {} : { lastSeen }),
        }
      }),
    ),
  ])
  const sources: SiteSource[] = []
  for (const m of mirrors) {
    seen.set(m.peer.toString(), now())
    const relay = m.visitor === true ? '' : await mirrorName(libp2p, context.relays(), m.peer)
    sources.push({
      kind: m.visitor === true ? 'visitor' : 'mirror',
      name:
        m.visitor === true
          ? 'A visitor’s browser'
          : relay === 'a relay'
            ? 'Mirror at a relay'
            : `Mirror at relay ${relay}`,
      shortId: shortPeerId(m.peer),
      reachable: true,
      lastSeen: now(),
    })
  }
  for (const h of hosts) if (h !== undefined) sources.push(h)
  const until = Math.max(0, ...mirrors.map((m) => m.aliveUntil ?? 0))
  return {
    sources,
    canServe: sources.some((s) => s.reachable),
    ...(until > now() ? { mirroredUntil: until } : {}),
  }
}
