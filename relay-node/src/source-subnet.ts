/**
 * Where a peer connects from, as a network block: the unit the relay counts store quotas, new
 * names and circuit reservations by, beside the peer ID. Peer IDs cost nothing to make; an
 * address block does. One IPv4 /24 or IPv6 /56 (a typical home or site allocation) by default,
 * set by `--source-prefix-v4` / `--source-prefix-v6`.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Prefix lengths that group addresses into one source. */
export interface SourcePrefixes {
  /** IPv4 prefix length, 0–32. */
  v4: number
  /** IPv6 prefix length, 0–128. */
  v6: number
}

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
  if (mapped !== undefined || isIPv4(ip)) return ipv4Source(mapped ?? ip, prefixes.v4)
  if (isIPv6(ip)) return ipv6Source(ip, prefixes.v6)
  return UNKNOWN_SOURCE
}

function ipv4Source(ip: string, bits: number): string {
  const value = ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
  const block = bits === 0 ? 0 : value - (value % 2 ** (32 - bits))
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block / 2 ** shift) % 256)
  return `ip4:${octets.join('.')}/${bits}`
}

function ipv6Source(ip: string, bits: number): string {
  const [head, tail] = ip.split('::')
  const parse = (s: string | undefined): number[] =>
    s === undefined || s === '' ? [] : s.split(':').map((g) => parseInt(g, 16))
  const left = parse(head)
  const right = parse(tail)
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill(0), ...right]
  const hex = groups.map((g) => g.toString(16).padStart(4, '0')).join('')
  const nibbles = Math.ceil(bits / 4)
  let prefix = hex.slice(0, nibbles)
  if (bits % 4 !== 0 && nibbles > 0) {
    const last = parseInt(prefix[nibbles - 1], 16) & (0xf << (4 - (bits % 4)))
    prefix = prefix.slice(0, -1) + last.toString(16)
  }
  return `ip6:${prefix}/${bits}`
}
