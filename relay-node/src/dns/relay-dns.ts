/**
 * The relay's wiring of its `.alt` resolver: settings from the relay's config, names looked up
 * through its store and DHT and judged by its record policy.
 * @module
 */
import type { RelayConfig } from '../config.ts'
import { ConfigError } from '../errors.ts'
import type { Logger } from '../log.ts'
import { fingerprint } from '@alternet/core/crypto/fingerprint'
import { parseDnsAnswers, parseHostPort } from './dns-options.ts'
import { startDnsServer, type DnsServer } from './dns-server.ts'
import type { SiteLookup } from './site-lookup.ts'

/** What the resolver reads of the relay. */
export interface RelayDnsInit {
  config: RelayConfig
  /** The relay's look-up of sites' current records. */
  lookup: SiteLookup
  log: Logger
}

/** A running resolver. */
export interface RelayDns {
  server: DnsServer
}

/** Starts the resolver; throws `ConfigError` for settings it cannot run with. */
export async function startRelayDns(init: RelayDnsInit): Promise<RelayDns> {
  const { config } = init
  const host = config.dnsHost ?? config.host
  const answers = parseDnsAnswers(
    config.dnsAnswer.length > 0
      ? config.dnsAnswer
      : config.host === '0.0.0.0' || config.host === '::'
        ? []
        : [config.host],
  )
  if (answers.v4.length + answers.v6.length === 0)
    throw new ConfigError(
      `--dns-port needs --dns-answer: the address of this gateway that <site>.alt should resolve to (--host ${config.host} is not one address)`,
    )
  const { lookup } = init
  const server = await startDnsServer({
    host,
    port: config.dnsPort!,
    answer: { lookup: (site) => lookup.find(site), fingerprint, ...answers },
    upstream: config.dnsUpstream === undefined ? undefined : parseHostPort(config.dnsUpstream),
    rate: config.dnsRate,
    burst: config.dnsBurst,
    tcpPerSource: config.dnsTcpPerSource,
    idleTimeoutMs: config.dnsIdleTimeout,
    forwardTimeoutMs: config.dnsForwardTimeout,
    maxForwards: config.dnsMaxForwards,
    log: init.log,
  })
  return { server }
}
