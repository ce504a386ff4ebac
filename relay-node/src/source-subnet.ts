/**
 * Where a peer connects from, as a network block: the unit the relay counts store quotas, new
 * names and circuit reservations by, beside the peer ID. Peer IDs cost nothing to make; an
 * address block does. One IPv4 /24 or IPv6 /56 (a typical home or site allocation) by default,
 * set by `--source-prefix-v4` / `--source-prefix-v6`.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ipv4Block, ipv6Block, type BlockPrefixes } from '@alternet/core/contracts'

/** Prefix lengths that group addresses into one source. */
export type SourcePrefixes = BlockPrefixes

/** The source of a connection whose address has no IP (a relayed or unknown one): all of them share one. */
export const UNKNOWN_SOURCE = 'unknown'

/**
 * The source key of a remote address: `ip4:a.b.c.0/24`, `ip6:<hex prefix>/56`, or
 * `UNKNOWN_SOURCE`. IPv4-mapped IPv6 addresses count as IPv4.
 */
export function sourceOf(addr: Multiaddr | string | undefined, prefixes: SourcePrefixes): string {
  if (addr === undefined) return UNKNOWN_SOURCE
  const ip =
    typeof addr === 'string'
      ? addr
      : addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
  if (ip === undefined) return UNKNOWN_SOURCE
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
  if (mapped !== undefined || isIPv4(ip)) return ipv4Block(mapped ?? ip, prefixes.v4)
  if (isIPv6(ip)) return ipv6Block(ip, prefixes.v6)
  return UNKNOWN_SOURCE
}
