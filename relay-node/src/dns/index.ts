/**
 * The relay's `.alt` resolver (RFC 9476): `A`/`AAAA` of `<origin label>.alt` answer the gateway's
 * addresses, `TXT` the owner's fingerprint and the content root of the site's current valid
 * record, unknown names NXDOMAIN; other names go to an upstream server or are refused.
 *
 * @example
 * ```ts
 * const dns = await startDnsServer({ host: '127.0.0.1', port: 5353, answer: { lookup, fingerprint,
 *   v4: ['127.0.0.1'], v6: [] }, upstream: { host: '9.9.9.9', port: 53 }, rate: 50, burst: 100,
 *   tcpPerSource: 8, idleTimeoutMs: 10_000, forwardTimeoutMs: 3000, maxForwards: 256, log })
 * // dig @127.0.0.1 -p 5353 mysite--code.alt TXT
 * await dns.close()
 * ```
 * @module
 */
export * from './constants.ts'
export { startDnsServer, type DnsServer, type DnsServerInit, type DnsStats } from './dns-server.ts'
export { SiteLookup, LookupBusyError, type FoundSite, type SiteLookupInit } from './site-lookup.ts'
export { ForwardFailedError } from './forwarder.ts'
export { parseDnsAnswers, parseHostPort } from './dns-options.ts'
