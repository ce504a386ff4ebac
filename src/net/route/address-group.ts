/**
 * The remote address group a route server counts requests under, beside the peer ID: many
 * peer IDs cost nothing to make, addresses do. See docs/PROTOCOL.md, "Limits".
 * @module
 */
import type { Multiaddr } from '@multiformats/multiaddr'
import { IPV6_GROUP_PREFIX } from './constants.ts'

/** The first `bits` bits of an IPv6 address, as hex groups (`2001:db8:0:1::/64`). */
function ipv6Prefix(address: string, bits: number): string {
  const [head, tail = ''] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) counts as two groups.
  const expand = (parts: string[]): string[] =>
    parts.flatMap((part) => {
      if (!part.includes('.')) return [part]
      const [a, b, c, d] = part.split('.').map(Number)
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
    })
  const l = expand(left)
  const r = expand(right)
  const groups = [...l, ...Array<string>(Math.max(0, 8 - l.length - r.length)).fill('0'), ...r]
  const keep = Math.ceil(bits / 16)
  return `${groups
    .slice(0, keep)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/${bits}`
}

/**
 * The group of a connection's remote address: `ip4:<address>` or `ip6:<prefix>/64`, or
 * `undefined` when the address carries no IP of the peer itself (a relayed circuit, whose IP is
 * the relay's; a browser-to-browser WebRTC connection, `/webrtc/p2p/…`).
 */
export function addressGroup(remoteAddr: Multiaddr): string | undefined {
  const components = remoteAddr.getComponents()
  if (components.some((c) => c.name === 'p2p-circuit')) return undefined
  const ip = components.find((c) => c.name === 'ip4' || c.name === 'ip6')
  if (ip?.value === undefined) return undefined
  if (ip.name === 'ip4') return `ip4:${ip.value}`
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip.value)
  if (mapped !== null) return `ip4:${mapped[1]}`
  return `ip6:${ipv6Prefix(ip.value.toLowerCase(), IPV6_GROUP_PREFIX)}`
}
