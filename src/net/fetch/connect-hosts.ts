/**
 * Getting connections to a record's hosts for content: an open direct connection when there is
 * one; otherwise a direct dial (WebRTC through a relay's signalling, or a direct transport),
 * tried again once since browser-to-browser WebRTC dials sometimes stall; only when none
 * succeeds, a relayed (limited) connection, which the caller reports as the slow path.
 * @module
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import type { RecordHost } from '../../core/records/index.ts'
import { HostUnreachableError } from '../route/index.ts'
import {
  DEFAULT_CONNECT_GRACE_TIME,
  DEFAULT_DIRECT_DIAL_ATTEMPTS,
  DEFAULT_DIRECT_DIAL_TIMEOUT,
  DEFAULT_RELAY_DIAL_TIMEOUT,
} from './constants.ts'

/** The part of a libp2p node used to reach hosts. */
export type ConnectorHost = Pick<Libp2p, 'peerId' | 'getConnections' | 'dial'>

/** A host and the connection to ask it on. */
export interface HostConnection {
  peer: PeerId
  connection: Connection
  /** True when the connection goes through a relay's limited circuit: slow, and capped. */
  limited: boolean
  /** True when the connection was already open (it may be half-open: see `createSiteFetcher`). */
  reused?: boolean
  /** A mirror's origin serving its blocks over HTTP (`http-blocks.ts`). */
  http?: string
}

/** Options of `connectHosts`. */
export interface ConnectHostsOptions {
  signal?: AbortSignal
  /** @default DEFAULT_DIRECT_DIAL_TIMEOUT */
  directTimeout?: number
  /** @default DEFAULT_DIRECT_DIAL_ATTEMPTS */
  directAttempts?: number
  /** @default DEFAULT_RELAY_DIAL_TIMEOUT */
  relayTimeout?: number
  /** @default DEFAULT_CONNECT_GRACE_TIME */
  graceTime?: number
}

/** A record host's peer ID and its addresses, decoded; `null` when the entry cannot be read. */
export function decodeHost(host: RecordHost): { peer: PeerId; addrs: Multiaddr[] } | null {
  try {
    const peer = peerIdFromMultihash(Digest.decode(host.id))
    const addrs: Multiaddr[] = []
    for (const bytes of host.addrs) {
      try {
        addrs.push(multiaddr(bytes))
      } catch {
        // An address this build cannot read is skipped; the others may do.
      }
    }
    return { peer, addrs }
  } catch {
    return null
  }
}

/** True for an address that can only give a limited relayed connection. */
export function isRelayedOnly(addr: Multiaddr): boolean {
  const text = addr.toString()
  return text.includes('/p2p-circuit') && !text.includes('/p2p-circuit/webrtc')
}

function openConnections(libp2p: ConnectorHost, peer: PeerId): Connection[] {
  return libp2p.getConnections(peer).filter((c) => c.status === 'open')
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms)
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout])
}

/** A connection to one host, direct if at all possible. Throws `HostUnreachableError`. */
export async function connectHost(
  libp2p: ConnectorHost,
  peer: PeerId,
  addrs: readonly Multiaddr[],
  options: ConnectHostsOptions = {},
): Promise<HostConnection> {
  const { signal } = options
  const direct = openConnections(libp2p, peer).find((c) => c.limits == null)
  if (direct !== undefined) return { peer, connection: direct, limited: false, reused: true }
  const errors: unknown[] = []
  const directAddrs = addrs.filter((a) => !isRelayedOnly(a))
  const relayAddrs = addrs.filter(isRelayedOnly)
  // With no direct address, libp2p may still know one (peer store, peer routing).
  const directTarget: PeerId | Multiaddr[] = directAddrs.length > 0 ? directAddrs : peer
  const attempts = options.directAttempts ?? DEFAULT_DIRECT_DIAL_ATTEMPTS
  for (let i = 0; i < attempts; i++) {
    signal?.throwIfAborted()
    try {
      const connection = await libp2p.dial(directTarget, {
        signal: withTimeout(signal, options.directTimeout ?? DEFAULT_DIRECT_DIAL_TIMEOUT),
      })
      if (connection.limits == null) return { peer, connection, limited: false }
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason
      errors.push(error)
    }
    // A peer we only know by ID is not dialled twice: the second try would ask the same way.
    if (directAddrs.length === 0) break
  }
  const limited = openConnections(libp2p, peer).find((c) => c.limits != null)
  if (limited !== undefined) return { peer, connection: limited, limited: true, reused: true }
  if (relayAddrs.length > 0) {
    try {
      const connection = await libp2p.dial(relayAddrs, {
        signal: withTimeout(signal, options.relayTimeout ?? DEFAULT_RELAY_DIAL_TIMEOUT),
      })
      return { peer, connection, limited: connection.limits != null }
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason
      errors.push(error)
    }
  }
  throw new HostUnreachableError(`Host ${peer} could not be reached.`, { errors })
}

/**
 * Connections to a record's hosts (this node left out). Resolves when every attempt has
 * ended, or `graceTime` after the first direct connection, with every host connected by then. Direct connections only, when there is any; the limited ones otherwise. Dials still
 * under way go on in the background for the next request. Throws `HostUnreachableError`
 * (with each host's failure) when no host could be reached.
 */
export async function connectHosts(
  libp2p: ConnectorHost,
  hosts: readonly RecordHost[],
  options: ConnectHostsOptions = {},
): Promise<HostConnection[]> {
  const decoded = hosts
    .map(decodeHost)
    .filter((h): h is NonNullable<typeof h> => h !== null && !h.peer.equals(libp2p.peerId))
  if (decoded.length === 0) throw new HostUnreachableError('The record names no other host.')
  const found: HostConnection[] = []
  const errors: unknown[] = []
  let firstDirect: () => void = () => {}
  const direct = new Promise<void>((resolve) => {
    firstDirect = resolve
  })
  const attempts = decoded.map(({ peer, addrs }) =>
    connectHost(libp2p, peer, addrs, options).then(
      (host) => {
        found.push(host)
        if (!host.limited) firstDirect()
      },
      (error: unknown) => {
        errors.push(error)
      },
    ),
  )
  const all = Promise.all(attempts)
  await Promise.race([all, direct])
  // The others get a moment to join, so that a file is spread over them and a liar among them
  // is not the only host asked.
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    all,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.graceTime ?? DEFAULT_CONNECT_GRACE_TIME)
    }),
  ])
  clearTimeout(timer)
  options.signal?.throwIfAborted()
  const directOnes = found.filter((h) => !h.limited)
  if (directOnes.length > 0) return directOnes
  if (found.length > 0) return [...found]
  throw new HostUnreachableError('No host of the site could be reached.', { errors })
}
