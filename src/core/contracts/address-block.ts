/**
 * Address blocks: the unit in which answers of DHT servers are counted when nodes vote on who
 * holds a name (docs/PROTOCOL.md, "Counting servers"), and the unit of the relay's per-source
 * quotas. Peer IDs cost nothing to make; an address block does. Pure: a multiaddr is read from
 * its text form, so the page and the relay share this code.
 * @module
 */

/** Prefix lengths that group addresses into one block. */
export interface BlockPrefixes {
  /** IPv4 prefix length, 0–32. */
  v4: number
  /** IPv6 prefix length, 0–128. */
  v6: number
}

/**
 * The blocks servers' answers are counted in: an IPv4 /24 and an IPv6 /48 (a site's
 * allocation), so many peer IDs on one machine or network cast one vote.
 * See docs/PROTOCOL.md, "Counting servers".
 */
export const VOTE_BLOCK_PREFIXES: BlockPrefixes = { v4: 24, v6: 48 }

/** The block of an answer whose connection shows no address: all such answers share one. */
export const UNKNOWN_BLOCK = 'unknown'

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/
const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i
const IPV6 = /^[0-9a-f:]+$/i
/** Multiaddr protocols whose value is a DNS name. */
const DNS_PROTOCOLS = new Set(['dns', 'dns4', 'dns6', 'dnsaddr'])

/** Whether `ip` is an IPv4 address in dotted form. */
export function isIpv4(ip: string): boolean {
  const m = IPV4.exec(ip)
  return m !== null && m.slice(1).every((o) => Number(o) <= 255)
}

/** Whether `ip` looks like an IPv6 address (hex groups and colons, as multiaddrs print them). */
export function isIpv6(ip: string): boolean {
  return ip.includes(':') && IPV6.test(ip)
}

/** `ip4:a.b.c.0/24` for an IPv4 address and a prefix length. */
export function ipv4Block(ip: string, bits: number): string {
  const value = ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
  const block = bits === 0 ? 0 : value - (value % 2 ** (32 - bits))
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block / 2 ** shift) % 256)
  return `ip4:${octets.join('.')}/${bits}`
}

/** `ip6:<hex prefix>/<bits>` for an IPv6 address (any spelling) and a prefix length. */
export function ipv6Block(ip: string, bits: number): string {
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

/** The block of an IP address, IPv4-mapped IPv6 counted as IPv4; undefined for anything else. */
export function ipBlock(ip: string, prefixes: BlockPrefixes): string | undefined {
  const mapped = IPV4_MAPPED.exec(ip)?.[1]
  if (mapped !== undefined || isIpv4(ip)) return ipv4Block(mapped ?? ip, prefixes.v4)
  if (isIpv6(ip)) return ipv6Block(ip, prefixes.v6)
  return undefined
}

/**
 * The block of a remote address (a multiaddr's text form): the block of its first IP; for an
 * address by DNS name (a page cannot see the IP behind it), `dns:` and the name's last two
 * labels, so one domain's names share a block; `UNKNOWN_BLOCK` otherwise. A relayed address
 * (`…/p2p-circuit/…`) counts as the relay's block: the path the answer came by.
 */
export function addressBlock(addr: string, prefixes: BlockPrefixes = VOTE_BLOCK_PREFIXES): string {
  const parts = addr.split('/')
  for (let i = 1; i + 1 < parts.length; i++) {
    const [proto, value] = [parts[i], parts[i + 1]]
    if (proto === 'ip4' || proto === 'ip6') return ipBlock(value, prefixes) ?? UNKNOWN_BLOCK
    if (DNS_PROTOCOLS.has(proto))
      return `dns:${value.toLowerCase().replace(/\.$/, '').split('.').slice(-2).join('.')}`
  }
  return UNKNOWN_BLOCK
}

/**
 * The block a peer answers from, by the remote addresses of its open connections: first those
 * this node dialed (the address it reached the peer at), then those the peer opened (the
 * address it connected from); the first that shows a block. `UNKNOWN_BLOCK` with none. Read it
 * while the answer's connection is open.
 */
export function connectionBlock(
  connections: ReadonlyArray<{ remoteAddr: { toString(): string }; direction?: string }>,
  prefixes: BlockPrefixes = VOTE_BLOCK_PREFIXES,
): string {
  const dialed = connections.filter((c) => c.direction === 'outbound')
  for (const c of [...dialed, ...connections.filter((c) => c.direction !== 'outbound')]) {
    const block = addressBlock(c.remoteAddr.toString(), prefixes)
    if (block !== UNKNOWN_BLOCK) return block
  }
  return UNKNOWN_BLOCK
}
