/**
 * The resolver's flags (`--dns-*`), listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from '../option-spec.ts'
import {
  DEFAULT_DNS_BURST,
  DEFAULT_DNS_FORWARD_TIMEOUT_MS,
  DEFAULT_DNS_IDLE_TIMEOUT_MS,
  DEFAULT_DNS_LOOKUP_TIMEOUT_MS,
  DEFAULT_DNS_MAX_FORWARDS,
  DEFAULT_DNS_RATE,
  DEFAULT_DNS_TCP_PER_SOURCE,
} from './constants.ts'

/** The resolver's settings. */
export interface DnsSettings {
  /** UDP and TCP port of the `.alt` resolver; undefined = no resolver. */
  dnsPort?: number
  /** Bind address of the resolver; undefined = `--host`. */
  dnsHost?: string
  /** Addresses `A`/`AAAA` answer; empty = `--host` when it is one address. */
  dnsAnswer: string[]
  /** `host:port` names outside `.alt` go to; undefined = refused. */
  dnsUpstream?: string
  dnsRate: number
  dnsBurst: number
  dnsTcpPerSource: number
  dnsIdleTimeout: number
  dnsForwardTimeout: number
  dnsMaxForwards: number
  dnsLookupTimeout: number
}

/** The resolver's rows of the option table. */
export const DNS_OPTIONS: readonly OptionSpec<keyof DnsSettings>[] = [
  {
    key: 'dnsPort',
    flag: 'dns-port',
    kind: 'port',
    doc: 'serve the .alt namespace over DNS (UDP and TCP) on this port (off when not set)',
  },
  {
    key: 'dnsHost',
    flag: 'dns-host',
    kind: 'host',
    doc: 'bind address of the DNS server (default: --host)',
  },
  {
    key: 'dnsAnswer',
    flag: 'dns-answer',
    kind: 'list',
    default: [],
    doc: 'IPv4/IPv6 address A/AAAA of <site>.alt answer: the gateway (repeatable or comma list; default: --host when it is one address)',
  },
  {
    key: 'dnsUpstream',
    flag: 'dns-upstream',
    kind: 'string',
    doc: 'DNS server (host:port) that names outside .alt are forwarded to (refused when not set)',
  },
  {
    key: 'dnsRate',
    flag: 'dns-rate',
    kind: 'count',
    default: DEFAULT_DNS_RATE,
    doc: 'DNS queries per second one source address may send (over it UDP queries are dropped)',
  },
  {
    key: 'dnsBurst',
    flag: 'dns-burst',
    kind: 'count',
    default: DEFAULT_DNS_BURST,
    doc: 'DNS queries one source may send at once before --dns-rate applies',
  },
  {
    key: 'dnsTcpPerSource',
    flag: 'dns-tcp-per-source',
    kind: 'count',
    default: DEFAULT_DNS_TCP_PER_SOURCE,
    doc: 'DNS TCP connections one source address may hold open',
  },
  {
    key: 'dnsIdleTimeout',
    flag: 'dns-idle-timeout',
    kind: 'duration',
    default: DEFAULT_DNS_IDLE_TIMEOUT_MS,
    doc: 'close a DNS TCP connection idle this long',
  },
  {
    key: 'dnsForwardTimeout',
    flag: 'dns-forward-timeout',
    kind: 'duration',
    default: DEFAULT_DNS_FORWARD_TIMEOUT_MS,
    doc: 'longest wait for --dns-upstream to answer (then SERVFAIL)',
  },
  {
    key: 'dnsMaxForwards',
    flag: 'dns-max-forwards',
    kind: 'count',
    default: DEFAULT_DNS_MAX_FORWARDS,
    doc: 'forwarded DNS queries waiting at once (more get SERVFAIL)',
  },
  {
    key: 'dnsLookupTimeout',
    flag: 'dns-lookup-timeout',
    kind: 'duration',
    default: DEFAULT_DNS_LOOKUP_TIMEOUT_MS,
    doc: 'longest DHT look-up of a .alt name (then SERVFAIL)',
  },
]
