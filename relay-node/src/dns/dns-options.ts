/**
 * Reading the resolver's settings: `--dns-answer` (IPv4 and IPv6 addresses, repeatable or a
 * comma list) and `--dns-upstream` (`host:port`, `[v6]:port`, or a bare address for port 53).
 * @module
 */
import { isIP } from 'node:net'
import { ConfigError } from '../errors.ts'

/** The standard DNS port, for an upstream given without one. */
export const DNS_PORT = 53

/** Splits `--dns-answer` values into IPv4 and IPv6 lists; throws `ConfigError` on anything else. */
export function parseDnsAnswers(values: readonly string[]): { v4: string[]; v6: string[] } {
  const v4: string[] = []
  const v6: string[] = []
  for (const item of values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)) {
    const kind = isIP(item)
    if (kind === 4) v4.push(item)
    else if (kind === 6) v6.push(item)
    else throw new ConfigError(`--dns-answer: not an IPv4 or IPv6 address: ${item}`)
  }
  return { v4, v6 }
}

/** Reads `--dns-upstream`; throws `ConfigError` when it is not an address with an optional port. */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:]+)(?::(\d+))?$/.exec(value)
  const host = m?.[1] ?? value
  const port = m?.[2] === undefined ? DNS_PORT : Number(m[2])
  if (isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(
      `--dns-upstream: expected an IP address and port, e.g. 192.168.1.1:53 or [::1]:53 (got ${JSON.stringify(value)})`,
    )
  return { host, port }
}
