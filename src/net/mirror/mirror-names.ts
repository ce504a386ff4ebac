/**
 * Mirrors as a person reads them: the relay's host (and port) from the URL it was configured
 * with, or from an address the peer store holds for it; never a peer ID.
 * @module
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A relay as configured (the relay manager's `RelayInfo`). */
export interface KnownRelay {
  peerId: string
  source: string
}

/** The host of a relay's URL or multiaddr text, or undefined. */
function hostOf(source: string): string | undefined {
  if (/^https?:\/\//.test(source)) {
    try {
      return new URL(source).host
    } catch {
      return undefined
    }
  }
  const m = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)\/(?:tcp|udp)\/(\d+)/.exec(source)
  return m === null ? undefined : `${m[1]}:${m[2]}`
}

/** A printable host of the first address that has one (WebSockets and DNS first). */
function hostOfAddrs(addrs: readonly Multiaddr[]): string | undefined {
  const texts = addrs.map((a) => a.toString()).filter((t) => !t.includes('/p2p-circuit'))
  const ranked = [
    ...texts.filter((t) => t.startsWith('/dns')),
    ...texts.filter((t) => /\/wss?(\/|$)/.test(t)),
    ...texts,
  ]
  for (const text of ranked) {
    const host = hostOf(text)
    if (host !== undefined) return host
  }
  return undefined
}

/**
 * A name for the mirror `peer`: its configured URL's host, else an address's host, else
 * "a relay" (a person never reads a peer ID).
 */
export async function mirrorName(
  libp2p: Pick<Libp2p, 'peerStore' | 'getConnections'>,
  relays: readonly KnownRelay[],
  peer: PeerId,
): Promise<string> {
  const configured = relays.find((r) => r.peerId === peer.toString())
  const fromConfig = configured === undefined ? undefined : hostOf(configured.source)
  if (fromConfig !== undefined) return fromConfig
  const remote = libp2p.getConnections(peer).map((c) => c.remoteAddr)
  const stored = await libp2p.peerStore.get(peer).then(
    (p) => p.addresses.map((a) => a.multiaddr),
    () => [],
  )
  return hostOfAddrs([...remote, ...stored]) ?? 'a relay'
}
