/**
 * The remote address group a route server counts requests under, beside the peer ID: many
 * peer IDs cost nothing to make, addresses do. See docs/PROTOCOL.md, "Limits".
 * @module
 */
import type { Multiaddr } from '@multiformats/multiaddr'
import { IPV6_GROUP_PREFIX } from './constants.ts'

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two). */
function ipv6Groups(address: string): number[] {
  const [head, tail = ''] = address.split('::')
  const expand = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)]
          const [a, b, c, d] = group.split('.').map(Number)
          return [(a << 8) | b, (c << 8) | d]
        })
  const left = expand(head)
  const right = expand(tail)
  return [...left, ...Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right]
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
  const groups = ipv6Groups(ip.value.toLowerCase())
  // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6], groups[7]]
    return `ip4:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
  }
  const kept = groups.slice(0, Math.ceil(IPV6_GROUP_PREFIX / 16))
  return `ip6:${kept.map((g) => g.toString(16)).join(':')}::/${IPV6_GROUP_PREFIX}`
}
